//! Task 1: adapting the gain of the vestibulo-ocular reflex (VOR), the cerebellum's
//! classic supervised learning problem (Fujita 1982; Dean & Porrill; Porrill & Dean 2007;
//! Raymond & Medina 2018; docs/science.md §5).
//!
//! Velocities about one axis, positive in one fixed direction:
//!
//! ```text
//! head velocity     H(t)                      the vestibular (mossy-fibre) input
//! eye velocity      E = -(B H + z)            brainstem (gain B = 1) plus cerebellum z
//!                                             both drive the eye against the head
//! retinal slip      S = -(M H + E)            image motion on the retina through
//!                                             spectacles of magnification M
//!                     = z - (M - B) H         = e, the error z - z* of docs/science.md §0,
//!                                             with desired output z* = (M - B) H
//! VOR gain          g = -⟨E H⟩ / ⟨H²⟩         least-squares fit of E ≈ -g H
//!                     = B + (cerebellar gain)
//! ```
//!
//! The slip vanishes when the eye turns at exactly `-M H`, so learning drives the gain
//! `g` to `M`: up for magnifying spectacles (`M > 1`), down for minifying ones
//! (`M < 1`), through zero to `-1` for reversing prisms (`M = -1`). The climbing fibre
//! carries the slip, and the slip is already "output minus desired", so the LMS rule of
//! `filter` descends with it as it is. A naive animal's cerebellum is silent (`z = 0`):
//! it starts at the brainstem gain `B`.

/// The eye plant's surroundings: brainstem pathway and spectacles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Vor {
    /// `M`: the gain the eye needs.
    pub spectacles: f64,
    /// `B`: the brainstem's direct head-to-eye gain.
    pub brainstem_gain: f64,
}

/// What one step of the VOR produces.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VorSample {
    /// `E`.
    pub eye_velocity: f64,
    /// `S = z - z*`: the climbing-fibre error.
    pub slip: f64,
    /// `z* = (M - B) H`: what the cerebellum should output.
    pub desired: f64,
}

impl Vor {
    /// The eye velocity and slip for head velocity `head` and cerebellar output `z`.
    pub fn respond(&self, head: f64, z: f64) -> VorSample {
        let eye_velocity = -(self.brainstem_gain * head + z);
        VorSample {
            eye_velocity,
            slip: -(self.spectacles * head + eye_velocity),
            desired: (self.spectacles - self.brainstem_gain) * head,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NORMAL: Vor = Vor {
        spectacles: 2.0,
        brainstem_gain: 1.0,
    };

    #[test]
    fn a_silent_cerebellum_leaves_the_brainstem_gain_and_slip_m_minus_one_h() {
        let sample = NORMAL.respond(3.0, 0.0);
        assert_eq!(sample.eye_velocity, -3.0);
        // The world seen through ×2 spectacles moves at 6; the eye follows 3 of it.
        assert_eq!(sample.slip, -3.0);
        assert_eq!(sample.desired, 3.0);
    }

    #[test]
    fn the_slip_is_the_output_minus_the_desired_output() {
        for (h, z) in [(1.0, 0.0), (-2.0, 0.5), (0.7, 1.4), (0.0, 0.3)] {
            let s = NORMAL.respond(h, z);
            assert!((s.slip - (z - s.desired)).abs() < 1e-15);
        }
    }

    #[test]
    fn the_right_cerebellar_output_stops_the_slip_at_gain_m() {
        for m in [2.0, 0.5, -1.0, 1.0] {
            let vor = Vor {
                spectacles: m,
                brainstem_gain: 1.0,
            };
            let h = 1.5;
            let s = vor.respond(h, (m - 1.0) * h);
            assert!(s.slip.abs() < 1e-15);
            assert!((-s.eye_velocity / h - m).abs() < 1e-15, "gain {m}");
        }
    }
}
