//! The entry point of the learning rules (the default: `index.html` with no `page`, or one it does not know), built as
//! `rules.js` + `rules_bg.wasm`; `static/index.html` loads it.

use bioprop_web::pages::rules::{RulesPage, RulesPageProps};
use bioprop_web::shell::{current_query, route::page_from_query};

fn main() {
    bioprop_web::shell::panic::install();
    // The loader shows this page for an unknown `page` too; say so on the page.
    let (_, page_notice) = page_from_query(&current_query());
    bioprop_web::start::<RulesPage>(RulesPageProps { page_notice });
}
