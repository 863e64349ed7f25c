//! Findings stay compact: a million of them must fit in well under a gigabyte
//! (issue [7]: 883,651 findings took 2.7 GB).

use std::mem::size_of;

use agate_model::{Finding, Location, Text};

#[test]
fn issue_7_a_finding_is_at_most_272_bytes_inline() {
    // Strings every finding of a rule or file repeats are shared `Text`s (16 bytes, no
    // allocation of their own); the rarely set evidence and justification are boxed.
    assert!(size_of::<Finding>() <= 272, "{}", size_of::<Finding>());
    assert_eq!(size_of::<Text>(), 16);
    assert_eq!(size_of::<Option<Text>>(), 16);
    assert!(size_of::<Location>() <= 32, "{}", size_of::<Location>());
}

#[test]
fn issue_7_clones_of_a_text_share_one_allocation() {
    let id = Text::from("py.code-injection");
    let copies: Vec<Text> = (0..1_000).map(|_| id.clone()).collect();
    assert!(copies.iter().all(|copy| copy.shares_with(&id)));
    assert!(!Text::from("py.code-injection").shares_with(&id));
}
