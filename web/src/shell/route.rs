//! Which page the app shows, read from the `page` query parameter, and the small
//! query splitter the pages without a worker share. No Yew or web-sys here.
//!
//! | `page` | page |
//! |---|---|
//! | absent, empty or `rules` | the learning-rule visualizer (default) |
//! | `cerebellum` | the cerebellum as an adaptive filter |
//! | `microcircuit` | the dendritic error microcircuit (Sacramento et al. 2018) |
//!
//! An unknown value shows the rules page with a notice.

/// The pages of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PageKind {
    #[default]
    Rules,
    Cerebellum,
    Microcircuit,
}

impl PageKind {
    pub const ALL: [PageKind; 3] = [
        PageKind::Rules,
        PageKind::Cerebellum,
        PageKind::Microcircuit,
    ];

    /// The value of `page` in the URL.
    pub fn name(self) -> &'static str {
        match self {
            PageKind::Rules => "rules",
            PageKind::Cerebellum => "cerebellum",
            PageKind::Microcircuit => "microcircuit",
        }
    }

    /// The page's link in the header's navigation.
    pub fn href(self) -> &'static str {
        match self {
            PageKind::Rules => "?",
            PageKind::Cerebellum => "?page=cerebellum",
            PageKind::Microcircuit => "?page=microcircuit",
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
                "page: unknown page '{}' (allowed: rules, cerebellum, microcircuit); showing the learning rules",
                shown(wanted)
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

/// Splits a query (with or without its `?`) into percent-decoded `(key, value)`
/// pairs in order; a bare key (`?embed`) has no value. Empty pairs are skipped.
pub fn split_query(query: &str) -> Vec<(String, Option<String>)> {
    let query = query.strip_prefix('?').unwrap_or(query);
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (decode(key), Some(decode(value))),
            None => (decode(pair), None),
        })
        .collect()
}

/// Percent-decodes a query component, reading `+` as a space. A `%` not followed by
/// two hex digits stays as it is; invalid UTF-8 becomes U+FFFD.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex_at = |j: usize| {
            bytes
                .get(j)
                .and_then(|&b| (b as char).to_digit(16))
                .map(|d| d as u8)
        };
        match (bytes[i], hex_at(i + 1), hex_at(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push(high * 16 + low);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The spellings every page accepts for an on/off parameter: `1`, `true`,
/// `yes`, `on` and `0`, `false`, `no`, `off`, in any case.
pub fn flag_value(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A user's text for a message, cut to a readable length.
pub fn shown(text: &str) -> String {
    const MAX_CHARS: usize = 40;
    if text.chars().count() <= MAX_CHARS {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(MAX_CHARS).collect();
        format!("{cut}…")
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
        assert_eq!(page_from_query("?page="), (PageKind::Rules, None));
        let (page, notice) = page_from_query("?page=cortex");
        assert_eq!(page, PageKind::Rules);
        let notice = notice.unwrap();
        assert!(
            notice.contains("'cortex'") && notice.contains("cerebellum"),
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

    #[test]
    fn queries_are_percent_decoded_and_never_panic() {
        assert_eq!(
            split_query("?a=1+2&b&c=%41%zz%"),
            vec![
                ("a".into(), Some("1 2".into())),
                ("b".into(), None),
                ("c".into(), Some("A%zz%".into())),
            ]
        );
        assert_eq!(decode("%E2%82%AC"), "€");
        assert_eq!(decode("%FF"), "\u{FFFD}");
        assert_eq!(shown(&"x".repeat(50)).chars().count(), 41);
    }
}
