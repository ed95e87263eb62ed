//! Hidden-layer activation functions, each paired with its derivative.
//!
//! | name       | `f(z)`                 | `f'(z)`                    |
//! |------------|------------------------|----------------------------|
//! | `linear`   | `z`                    | `1`                        |
//! | `tanh`     | `tanh z`               | `1 - f(z)²`                |
//! | `sigmoid`  | `1 / (1 + e^{-z})`     | `f(z) (1 - f(z))`          |
//! | `relu`     | `max(z, 0)`            | `1` if `z > 0`, else `0`   |
//! | `softplus` | `ln(1 + e^z)`          | `1 / (1 + e^{-z})`         |
//!
//! The transcendental functions come from `libm`, not from the platform's maths
//! library, so that a run is bit-identical natively and in wasm32 (the determinism
//! test compares a hash of the weights across the two).

use serde::{Deserialize, Serialize};

use crate::named::named;

/// A pointwise non-linearity `a = f(z)` applied to a hidden layer's pre-activation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Activation {
    #[default]
    Linear,
    Tanh,
    Sigmoid,
    Relu,
    Softplus,
}

impl Activation {
    /// Every activation, in the order the UI lists them.
    pub const ALL: [Activation; 5] = [
        Activation::Linear,
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Relu,
        Activation::Softplus,
    ];

    /// The kebab-case name used by serde, the CLI and the URL.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Linear => "linear",
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::Relu => "relu",
            Activation::Softplus => "softplus",
        }
    }

    /// One line for `bioprop list` and the UI.
    pub fn description(self) -> &'static str {
        match self {
            Activation::Linear => "identity, f(z) = z (the linear teacher of Lillicrap 2016)",
            Activation::Tanh => "hyperbolic tangent, f'(z) = 1 - tanh(z)^2",
            Activation::Sigmoid => "logistic 1/(1+e^-z), f'(z) = f(1-f)",
            Activation::Relu => "rectified linear max(z, 0), f'(z) = [z > 0]",
            Activation::Softplus => "smooth ReLU ln(1+e^z), f'(z) = sigmoid(z)",
        }
    }

    /// `f(z)`.
    #[inline]
    pub fn apply(self, z: f32) -> f32 {
        match self {
            Activation::Linear => z,
            Activation::Tanh => libm::tanhf(z),
            Activation::Sigmoid => sigmoid(z),
            Activation::Relu => z.max(0.0),
            // ln(1 + e^z) = max(z, 0) + ln(1 + e^{-|z|}): no overflow for large |z|.
            Activation::Softplus => z.max(0.0) + libm::log1pf(libm::expf(-z.abs())),
        }
    }

    /// `f'(z)`.
    #[inline]
    pub fn derivative(self, z: f32) -> f32 {
        self.derivative_at(z, self.apply(z))
    }

    /// `f'(z)` given `a = f(z)` already computed by the forward pass, which saves
    /// recomputing the exponential for tanh and sigmoid.
    #[inline]
    pub fn derivative_at(self, z: f32, a: f32) -> f32 {
        match self {
            Activation::Linear => 1.0,
            Activation::Tanh => 1.0 - a * a,
            Activation::Sigmoid => a * (1.0 - a),
            Activation::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Softplus => sigmoid(z),
        }
    }
}

/// The logistic function, written so that neither branch overflows.
#[inline]
pub(crate) fn sigmoid(z: f32) -> f32 {
    if z >= 0.0 {
        1.0 / (1.0 + libm::expf(-z))
    } else {
        let e = libm::expf(z);
        e / (1.0 + e)
    }
}

named!(Activation, "activation");

#[cfg(test)]
mod tests {
    use super::*;

    /// Central difference in f64 around `z`, computed from the f32 function.
    fn numeric_derivative(act: Activation, z: f32) -> f32 {
        let h = 1e-3_f32;
        ((act.apply(z + h) as f64 - act.apply(z - h) as f64) / (2.0 * h as f64)) as f32
    }

    #[test]
    fn derivatives_match_finite_differences() {
        for act in Activation::ALL {
            // Avoid the ReLU kink at 0.
            for z in [-3.0_f32, -0.7, -0.1, 0.3, 1.2, 4.0] {
                let analytic = act.derivative(z);
                let numeric = numeric_derivative(act, z);
                assert!(
                    (analytic - numeric).abs() < 2e-3,
                    "{act}: f'({z}) = {analytic}, finite difference {numeric}"
                );
            }
        }
    }

    #[test]
    fn known_values() {
        assert_eq!(Activation::Linear.apply(-2.5), -2.5);
        assert_eq!(Activation::Relu.apply(-2.5), 0.0);
        assert_eq!(Activation::Relu.derivative(0.0), 0.0);
        assert_eq!(Activation::Sigmoid.apply(0.0), 0.5);
        assert_eq!(Activation::Sigmoid.derivative(0.0), 0.25);
        assert_eq!(Activation::Tanh.apply(0.0), 0.0);
        assert_eq!(Activation::Tanh.derivative(0.0), 1.0);
        // softplus(0) = ln 2
        assert!((Activation::Softplus.apply(0.0) - std::f32::consts::LN_2).abs() < 1e-7);
    }

    #[test]
    fn extreme_inputs_stay_finite() {
        for act in Activation::ALL {
            for z in [-1e4_f32, -90.0, 90.0, 1e4] {
                assert!(act.apply(z).is_finite(), "{act}({z})");
                assert!(act.derivative(z).is_finite(), "{act}'({z})");
            }
        }
        assert_eq!(Activation::Softplus.apply(1e4), 1e4);
        assert_eq!(Activation::Sigmoid.apply(-1e4), 0.0);
    }

    #[test]
    fn names_round_trip() {
        for act in Activation::ALL {
            assert_eq!(act.name().parse::<Activation>().unwrap(), act);
            let json = serde_json::to_string(&act).unwrap();
            assert_eq!(json, format!("\"{}\"", act.name()));
            assert_eq!(serde_json::from_str::<Activation>(&json).unwrap(), act);
        }
        let err = "swish".parse::<Activation>().unwrap_err().to_string();
        assert!(err.contains("swish") && err.contains("softplus"), "{err}");
    }
}
