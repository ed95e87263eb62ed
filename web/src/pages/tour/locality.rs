//! The locality inspector's lists, from the shared widget
//! ([`crate::widgets::locality`]); the tests check the tour's locality step against
//! core's declarations.

pub use crate::widgets::locality::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::tour::steps::STEPS;
    use bioprop::microcircuit::facts::PLASTICITY;
    use bioprop::rule::{Locality, Origin, Reads};
    use bioprop::RuleKind;

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
