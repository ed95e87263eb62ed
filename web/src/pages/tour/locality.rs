//! The locality inspector's lists, derived from core's declarations and never typed
//! again here (`docs/science.md` §1.6): what a hidden synapse's update reads under each
//! learning rule ([`bioprop::rule::RuleFacts::reads`]) and under each of the
//! microcircuit's four plasticity rules ([`bioprop::microcircuit::facts::PLASTICITY`]),
//! grouped by where each quantity comes from ([`Origin`]) and ordered from local to
//! non-local ([`Locality`]). Pure: tested natively.

use bioprop::microcircuit::facts::{PlasticityFacts, PLASTICITY};
use bioprop::rule::{Locality, Origin, Reads};
use bioprop::RuleKind;

/// The quantities an update reads that come from one origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub origin: Origin,
    pub quantities: Vec<&'static str>,
}

impl Source {
    pub fn locality(&self) -> Locality {
        self.origin.locality()
    }

    pub fn is_local(&self) -> bool {
        self.origin.is_local()
    }
}

/// `reads` grouped by origin, in the order of [`Locality::ALL`] (the origin's first
/// appearance breaks ties), each origin once.
pub fn sources(reads: &[Reads]) -> Vec<Source> {
    let mut grouped: Vec<Source> = Vec::new();
    for read in reads {
        match grouped.iter_mut().find(|s| s.origin == read.origin) {
            Some(source) => source.quantities.push(read.quantity),
            None => grouped.push(Source {
                origin: read.origin,
                quantities: vec![read.quantity],
            }),
        }
    }
    // A stable sort keeps the declaration's order within a class.
    grouped.sort_by_key(Source::locality);
    grouped
}

/// One entry of the inspector: a learning rule of the networks, or a plasticity rule of
/// the microcircuit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspected {
    /// A short name for its tab (`bp`, `W^IP_k`).
    pub name: &'static str,
    /// What it is, in a line.
    pub title: String,
    /// Its update, where core states one.
    pub formula: Option<&'static str>,
    pub sources: Vec<Source>,
}

impl Inspected {
    /// Whether every quantity it reads is local.
    pub fn is_local(&self) -> bool {
        self.sources.iter().all(Source::is_local)
    }
}

/// A network rule's hidden synapse (the output synapse for a rule whose hidden layers do
/// not learn); `None` if `name` is no rule.
pub fn of_rule(name: &str) -> Option<Inspected> {
    let rule: RuleKind = name.parse().ok()?;
    let facts = rule.facts();
    Some(Inspected {
        name: facts.name,
        title: format!("{} ({})", facts.title, facts.citation),
        formula: None,
        sources: sources(facts.reads),
    })
}

/// One of the microcircuit's plasticity rules.
pub fn of_plasticity(rule: &PlasticityFacts) -> Inspected {
    Inspected {
        name: rule.weights,
        title: rule.connects.to_string(),
        formula: Some(rule.formula),
        sources: sources(rule.reads),
    }
}

/// The microcircuit's four rules, in core's order.
pub fn microcircuit() -> Vec<Inspected> {
    PLASTICITY.iter().map(of_plasticity).collect()
}

/// A row of the inspector's table: one origin, and for each inspected rule the
/// quantities it reads from there (empty when it reads none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub origin: Origin,
    pub cells: Vec<Vec<&'static str>>,
}

/// The table of `entries` side by side: a row per origin any of them reads, from local
/// to non-local (in [`Origin`]'s declaration order within a class).
pub fn table(entries: &[Inspected]) -> Vec<Row> {
    let mut origins: Vec<Origin> = entries
        .iter()
        .flat_map(|e| e.sources.iter().map(|s| s.origin))
        .collect();
    origins.sort_by_key(|o| (o.locality(), *o as u8));
    origins.dedup();
    origins
        .into_iter()
        .map(|origin| Row {
            origin,
            cells: entries
                .iter()
                .map(|e| {
                    e.sources
                        .iter()
                        .find(|s| s.origin == origin)
                        .map(|s| s.quantities.clone())
                        .unwrap_or_default()
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::tour::steps::STEPS;

    /// Every declared read appears once, under its own origin.
    fn same_reads(inspected: &Inspected, reads: &[Reads]) {
        let listed: usize = inspected.sources.iter().map(|s| s.quantities.len()).sum();
        assert_eq!(listed, reads.len(), "{}", inspected.name);
        for read in reads {
            let source = inspected
                .sources
                .iter()
                .find(|s| s.origin == read.origin)
                .unwrap_or_else(|| panic!("{}: {:?}", inspected.name, read));
            assert!(source.quantities.contains(&read.quantity));
        }
    }

    #[test]
    fn every_rule_of_the_locality_step_lists_its_declared_reads() {
        let mut rules = 0;
        for step in STEPS {
            for name in step.reads_of {
                let inspected = of_rule(name).unwrap_or_else(|| panic!("{name}: no rule"));
                let rule: RuleKind = name.parse().unwrap();
                same_reads(&inspected, rule.facts().reads);
                assert_eq!(inspected.is_local(), rule.facts().is_local(), "{name}");
                rules += 1;
            }
        }
        assert!(rules >= 2, "{rules} rules inspected");
        // Every rule has an entry, not only those the tour names.
        for rule in RuleKind::ALL {
            let inspected = of_rule(rule.facts().name).expect("every rule has an entry");
            assert!(!inspected.sources.is_empty(), "{rule:?}");
        }
        assert!(of_rule("nope").is_none());
    }

    #[test]
    fn backprop_reads_other_synapses_weights_and_fa_a_feedback_pathway() {
        let classes = |name: &str| -> Vec<Locality> {
            of_rule(name)
                .unwrap()
                .sources
                .iter()
                .map(Source::locality)
                .collect()
        };
        let bp = classes("bp");
        assert_eq!(bp.first(), Some(&Locality::AtSynapse), "local first");
        assert!(bp.contains(&Locality::OtherSynapses));
        assert!(bp.windows(2).all(|w| w[0] <= w[1]), "ordered: {bp:?}");
        let fa = classes("fa");
        assert!(fa.contains(&Locality::FeedbackPathway));
        assert!(!fa.contains(&Locality::OtherSynapses));
    }

    #[test]
    fn the_microcircuits_four_rules_are_listed_and_all_local() {
        let circuit = microcircuit();
        assert_eq!(circuit.len(), PLASTICITY.len());
        for (inspected, rule) in circuit.iter().zip(PLASTICITY.iter()) {
            same_reads(inspected, rule.reads);
            assert!(inspected.is_local(), "{}", inspected.name);
            assert_eq!(inspected.formula, Some(rule.formula));
        }
    }

    #[test]
    fn the_table_has_a_row_per_origin_and_a_cell_per_rule() {
        let rules: Vec<Inspected> = ["bp", "fa"].iter().filter_map(|n| of_rule(n)).collect();
        let rows = table(&rules);
        let origins: Vec<Origin> = rows.iter().map(|r| r.origin).collect();
        // bp's and fa's reads (core/src/rule/facts.rs), local first, each origin once.
        assert_eq!(
            origins,
            vec![
                Origin::Presynaptic,
                Origin::CellDerivative,
                Origin::FeedbackPathway,
                Origin::OtherSynapses
            ]
        );
        for row in &rows {
            assert_eq!(row.cells.len(), 2);
        }
        let other = rows.last().unwrap();
        assert!(
            !other.cells[0].is_empty(),
            "bp reads other synapses' weights"
        );
        assert!(other.cells[1].is_empty(), "fa does not");
        // Every declared read is in exactly one cell.
        for (column, rule) in rules.iter().enumerate() {
            let cells: usize = rows.iter().map(|r| r.cells[column].len()).sum();
            let declared: usize = rule.sources.iter().map(|s| s.quantities.len()).sum();
            assert_eq!(cells, declared, "{}", rule.name);
        }
    }

    #[test]
    fn reads_from_one_origin_share_a_row() {
        let reads = [
            Reads {
                quantity: "a",
                origin: Origin::OtherSynapses,
            },
            Reads {
                quantity: "b",
                origin: Origin::Presynaptic,
            },
            Reads {
                quantity: "c",
                origin: Origin::OtherSynapses,
            },
        ];
        assert_eq!(
            sources(&reads),
            vec![
                Source {
                    origin: Origin::Presynaptic,
                    quantities: vec!["b"]
                },
                Source {
                    origin: Origin::OtherSynapses,
                    quantities: vec!["a", "c"]
                },
            ]
        );
    }
}
