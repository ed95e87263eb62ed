//! The app shell: header, main area and footer.

use std::rc::Rc;

use plotters::style::RGBColor;
use yew::prelude::*;

use crate::chart::{LineChart, Series};

/// Where the footer's "source" link points: the source archive that
/// `scripts/build-web.sh` puts beside the app.
pub const SOURCE_ARCHIVE: &str = "bioprop-source.tar.gz";

#[component]
pub fn App() -> Html {
    html! {
        <div class="shell" data-testid="app">
            <Header />
            <main class="main">
                <Preview />
            </main>
            <Footer />
        </div>
    }
}

#[component]
fn Header() -> Html {
    html! {
        <header class="header">
            <h1 class="brand">{"bioprop"}</h1>
            <p class="tagline">{"Backprop and its biologically plausible rivals, trained live in your browser."}</p>
        </header>
    }
}

#[component]
fn Footer() -> Html {
    html! {
        <footer class="footer">
            <span data-testid="version">{format!("bioprop {}", env!("CARGO_PKG_VERSION"))}</span>
            {" · "}
            <a href={SOURCE_ARCHIVE} data-testid="source-link">{"source"}</a>
            {" · "}
            <span>{"MIT or Apache-2.0"}</span>
        </footer>
    }
}

/// Activation functions and their derivatives: backprop needs f′ at every
/// hidden unit, one of the lecture's implausibilities.
#[component]
fn Preview() -> Html {
    let series = use_memo((), |_| {
        let xs: Vec<f32> = (0..=120).map(|i| -3.0 + 6.0 * i as f32 / 120.0).collect();
        let curve = |f: fn(f32) -> f32| Rc::new(xs.iter().map(|&x| (x, f(x))).collect());
        vec![
            Series {
                label: "tanh".into(),
                colour: RGBColor(31, 119, 180),
                points: curve(f32::tanh),
            },
            Series {
                label: "tanh′".into(),
                colour: RGBColor(255, 127, 14),
                points: curve(|x| 1.0 - x.tanh().powi(2)),
            },
        ]
    });
    html! {
        <section class="panel">
            <LineChart title="tanh and its derivative" x_label="z" y_label="f(z)"
                series={Rc::new((*series).clone())} testid="preview-chart" />
        </section>
    }
}
