//! The rules page's defaults that changed with the URL's schema version.
//!
//! Core's task defaults ([`bioprop::TaskKind::defaults`]) are what version-1 links
//! use. From version 2 on, a task may default to another learning rate on this page
//! where, under core's, a rule of the default comparison (backprop against feedback
//! alignment) fails to learn. Measured with the CLI over seeds 1 to 3; the table and
//! the command are in docs/science.md §3.

use bioprop::TaskKind;

/// The learning rate the rules page gives `task` when a link of schema `version`
/// sets none, if it is not core's task default.
///
/// `spirals` from version 2: at core's 0.3 backprop stays at 58–68 % test accuracy
/// for 80,000 steps (seeds 1 to 3) while feedback alignment reaches 97–98.5 %; at
/// 0.08 backprop reaches 99–99.5 % and feedback alignment 96–98.5 %. (At 0.1
/// backprop stalls on seed 2; at 0.05 feedback alignment is slow, 82.5–94.5 %.)
pub fn learning_rate(task: TaskKind, version: u32) -> Option<f32> {
    match task {
        TaskKind::Spirals if version >= 2 => Some(0.08),
        _ => None,
    }
}

/// Whether `task`'s default learning rate differs between version 1 and
/// `version`: a page with no learning rate of its own on such a task must say
/// that it means version 1's.
pub fn changed_since_first(task: TaskKind, version: u32) -> bool {
    learning_rate(task, version) != learning_rate(task, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_spirals_changes_and_only_from_version_2() {
        for &task in TaskKind::ALL {
            assert_eq!(learning_rate(task, 1), None, "{task}");
            assert!(!changed_since_first(task, 1), "{task}");
            let changed = task == TaskKind::Spirals;
            assert_eq!(changed_since_first(task, 2), changed, "{task}");
        }
        assert_eq!(learning_rate(TaskKind::Spirals, 2), Some(0.08));
    }
}
