//! The app's pages and which one a URL asks for, read from the `page` query
//! parameter. No Yew or web-sys here.
//!
//! | `page` | page |
//! |---|---|
//! | absent, empty or `rules` | the learning-rule visualizer (default) |
//! | `cerebellum` | the cerebellum as an adaptive filter |
//! | `microcircuit` | the dendritic error microcircuit (Sacramento et al. 2018) |
//! | `exercise` | the gradient exercise: ∂E/∂w by hand, checked |
//! | `tour` | the lecture as a guided tour, each step beside its live demonstration |
//!
//! An unknown value shows the rules page with a notice.

use super::query::{decode, shown, split_query};

/// The pages of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PageKind {
    #[default]
    Rules,
    Cerebellum,
    Microcircuit,
    Exercise,
    Tour,
}

impl PageKind {
    pub const ALL: [PageKind; 5] = [
        PageKind::Rules,
        PageKind::Cerebellum,
        PageKind::Microcircuit,
        PageKind::Exercise,
        PageKind::Tour,
    ];

    /// The value of `page` in the URL.
    pub fn name(self) -> &'static str {
        match self {
            PageKind::Rules => "rules",
            PageKind::Cerebellum => "cerebellum",
            PageKind::Microcircuit => "microcircuit",
            PageKind::Exercise => "exercise",
            PageKind::Tour => "tour",
        }
    }

    /// The page's name in the header's navigation.
    pub fn label(self) -> &'static str {
        match self {
            PageKind::Rules => "Learning rules",
            PageKind::Cerebellum => "Cerebellum",
            PageKind::Microcircuit => "Dendritic microcircuit",
            PageKind::Exercise => "Gradient exercise",
            PageKind::Tour => "Lecture",
        }
    }

    /// The page's link in the header's navigation.
    pub fn href(self) -> &'static str {
        match self {
            PageKind::Rules => "?",
            PageKind::Cerebellum => "?page=cerebellum",
            PageKind::Microcircuit => "?page=microcircuit",
            PageKind::Exercise => "?page=exercise",
            PageKind::Tour => "?page=tour",
        }
    }
}

/// The page `query` asks for, and a notice text when it names no page.
pub fn page_from_query(query: &str) -> (PageKind, Option<String>) {
    let Some(value) = split_query(query)
        .into_iter()
        .rev()
        .find(|(key, _)| key.trim().eq_ignore_ascii_case("page"))
        .map(|(_, value)| value.unwrap_or_default())
    else {
        return (PageKind::Rules, None);
    };
    let wanted = value.trim();
    if wanted.is_empty() {
        return (PageKind::Rules, None);
    }
    match PageKind::ALL
        .into_iter()
        .find(|p| p.name().eq_ignore_ascii_case(wanted))
    {
        Some(page) => (page, None),
        None => (
            PageKind::Rules,
            Some(format!(
                "page: unknown page '{}' (allowed: {}); showing the learning rules",
                shown(wanted),
                PageKind::ALL.map(PageKind::name).join(", ")
            )),
        ),
    }
}

/// `query` without its `page` parameters, for the rules page's own parser.
pub fn without_page(query: &str) -> String {
    let query = query.strip_prefix('?').unwrap_or(query);
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let key = pair.split_once('=').map_or(*pair, |(key, _)| key);
            !decode(key).trim().eq_ignore_ascii_case("page")
        })
        .collect();
    let joined = kept.join("&");
    if joined.is_empty() {
        String::new()
    } else {
        format!("?{joined}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_parameter_picks_the_page() {
        assert_eq!(page_from_query(""), (PageKind::Rules, None));
        assert_eq!(page_from_query("?task=xor"), (PageKind::Rules, None));
        assert_eq!(page_from_query("?page=rules"), (PageKind::Rules, None));
        assert_eq!(
            page_from_query("?page=Cerebellum&freq=2"),
            (PageKind::Cerebellum, None)
        );
        assert_eq!(
            page_from_query("?page=microcircuit&mode=steady"),
            (PageKind::Microcircuit, None)
        );
        assert_eq!(
            page_from_query("?page=exercise&seed=17&q=fa"),
            (PageKind::Exercise, None)
        );
        assert_eq!(
            page_from_query("?page=tour&step=locality"),
            (PageKind::Tour, None)
        );
        assert_eq!(page_from_query("?page="), (PageKind::Rules, None));
        let (page, notice) = page_from_query("?page=cortex");
        assert_eq!(page, PageKind::Rules);
        let notice = notice.unwrap();
        assert!(
            notice.contains("'cortex'") && notice.contains("cerebellum") && notice.contains("tour"),
            "{notice}"
        );
    }

    #[test]
    fn the_rules_page_never_sees_page() {
        assert_eq!(without_page("?page=cortex&task=xor"), "?task=xor");
        assert_eq!(
            without_page("?task=xor&%70age=x&lr=0.1"),
            "?task=xor&lr=0.1"
        );
        assert_eq!(without_page("?page"), "");
        assert_eq!(without_page(""), "");
    }
}
