//! A confusion matrix as a table: row = true class, column = predicted class, each
//! cell its count, shaded by its share of the row (so a class with few examples reads
//! as clearly as one with many) on the sequential scale.

use std::rc::Rc;

use yew::prelude::*;

use super::colour::{hex, sequential};

/// Each cell's share of its row, in `[0, 1]` (0 for an empty row).
pub fn row_shares(counts: &[u32], classes: usize) -> Vec<f32> {
    counts
        .chunks(classes.max(1))
        .flat_map(|row| {
            let total: u32 = row.iter().sum();
            row.iter().map(move |&c| {
                if total == 0 {
                    0.0
                } else {
                    c as f32 / total as f32
                }
            })
        })
        .collect()
}

/// Text colour readable on `background`: black or white, whichever contrasts more
/// (WCAG 2's relative luminance; the better of the two is always above 4.5:1).
pub fn text_on(background: [u8; 3]) -> &'static str {
    let linear = |c: u8| {
        let c = f32::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let [r, g, b] = background.map(linear);
    let luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) {
        "#000"
    } else {
        "#fff"
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct ConfusionMatrixProps {
    /// `classes × classes` counts, row-major, row = true class.
    pub counts: Rc<Vec<u32>>,
    pub classes: usize,
    /// The table's caption.
    pub caption: AttrValue,
    #[prop_or_default]
    pub testid: AttrValue,
    #[prop_or_default]
    pub rule: AttrValue,
}

#[component]
pub fn ConfusionMatrix(props: &ConfusionMatrixProps) -> Html {
    let n = props.classes;
    let counts = &props.counts;
    if counts.len() != n * n {
        return html! {
            <p class="view-note" data-testid={props.testid.clone()}>
                {format!("{}: no counts yet", props.caption)}
            </p>
        };
    }
    let shares = row_shares(counts, n);
    html! {
        <table class="confusion" data-testid={props.testid.clone()} data-rule={props.rule.clone()}>
            <caption>{props.caption.clone()}</caption>
            <thead>
                <tr>
                    <th scope="col" class="confusion-corner">{"true ╲ predicted"}</th>
                    { for (0..n).map(|c| html! { <th scope="col">{c}</th> }) }
                </tr>
            </thead>
            <tbody>
                { for (0..n).map(|r| html! {
                    <tr>
                        <th scope="row">{r}</th>
                        { for (0..n).map(|c| {
                            let fill = sequential(shares[r * n + c], 1.0);
                            let style = format!("background: {}; color: {}", hex(fill), text_on(fill));
                            html! {
                                <td data-css={style} class={classes!((r == c).then_some("diagonal"))}
                                    data-true={r.to_string()} data-predicted={c.to_string()}>
                                    {counts[r * n + c]}
                                </td>
                            }
                        }) }
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_of_the_row() {
        assert_eq!(row_shares(&[3, 1, 0, 0], 2), vec![0.75, 0.25, 0.0, 0.0]);
    }

    #[test]
    fn text_stays_readable_at_both_ends_of_the_scale() {
        assert_eq!(text_on(sequential(0.0, 1.0)), "#000");
        assert_eq!(text_on(sequential(1.0, 1.0)), "#fff");
    }
}
