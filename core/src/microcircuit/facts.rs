//! What each of the microcircuit's four plasticity rules reads, declared once
//! (`docs/science.md` §4.2 and §1.6), in the same terms as the networks' rules
//! ([`crate::rule::RuleFacts::reads`]), so that the locality inspector can set them
//! side by side: every quantity is at the synapse or inside its own cell.

use crate::rule::{Origin, Reads};

/// One plasticity rule of the circuit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlasticityFacts {
    /// The weights it changes, as the views name them.
    pub weights: &'static str,
    /// What the weights connect.
    pub connects: &'static str,
    /// The rule.
    pub formula: &'static str,
    /// What an update of one synapse reads.
    pub reads: &'static [Reads],
}

const fn reads(quantity: &'static str, origin: Origin) -> Reads {
    Reads { quantity, origin }
}

/// The four rules, in the order of `docs/science.md` §4.2.
pub const PLASTICITY: [PlasticityFacts; 4] = [
    PlasticityFacts {
        weights: "W^PP_{k,k−1}",
        connects: "forward: pyramidal cells of layer k−1 onto the basal dendrites of layer k",
        formula: "dW/dt = η_PP (φ(u_k) − φ(v̂_B,k)) r_{k−1}ᵀ",
        reads: &[
            reads("r_{k−1,j}", Origin::Presynaptic),
            reads("φ(u_k,i)", Origin::Postsynaptic),
            reads("v_B,k,i", Origin::Dendrite),
        ],
    },
    PlasticityFacts {
        weights: "W^IP_k",
        connects: "pyramidal cells of layer k onto the interneurons of layer k",
        formula: "dW/dt = η_IP (φ(u^I_k) − φ(v̂^I_k)) r_kᵀ",
        reads: &[
            reads("r_{k,j}", Origin::Presynaptic),
            reads("φ(u^I_k,i)", Origin::Postsynaptic),
            reads("v^I_k,i", Origin::Dendrite),
        ],
    },
    PlasticityFacts {
        weights: "W^PI_k",
        connects: "interneurons of layer k onto the apical dendrites of layer k",
        formula: "dW/dt = η_PI (0 − v_A,k) r^Iᵀ_k",
        reads: &[
            reads("r^I_{k,j}", Origin::Presynaptic),
            reads("v_A,k,i", Origin::Dendrite),
        ],
    },
    PlasticityFacts {
        weights: "W^PP_{k,k+1}",
        connects: "top-down: pyramidal cells of layer k+1 onto the apical dendrites of layer k \
                   (off by default)",
        formula: "dW/dt = η_TD (φ(u_k) − φ(W^PP_{k,k+1} r_{k+1})) r_{k+1}ᵀ",
        reads: &[
            reads("r_{k+1,j}", Origin::Presynaptic),
            reads("φ(u_k,i)", Origin::Postsynaptic),
            reads(
                "W^PP_{k,k+1} r_{k+1} (its own top-down input)",
                Origin::Dendrite,
            ),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::RuleKind;

    #[test]
    fn every_rule_of_the_circuit_is_local() {
        for rule in PLASTICITY {
            assert!(
                rule.reads.iter().all(|r| r.origin.is_local()),
                "{}: {:?}",
                rule.weights,
                rule.reads
            );
            assert!(rule.reads.iter().any(|r| r.origin == Origin::Presynaptic));
        }
        // Unlike every network rule that trains a hidden layer.
        for rule in RuleKind::ALL {
            let facts = rule.facts();
            if facts.trains_hidden {
                assert!(!facts.is_local(), "{rule:?}");
            }
        }
    }
}
