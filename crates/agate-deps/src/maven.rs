//! Maven's version order (`ComparableVersion`): versions split into numbers and words at
//! `.`, `-` and digit/letter boundaries; trailing zeros and release words are dropped; known
//! qualifiers order `alpha < beta < milestone < rc < snapshot < (release) < sp`, other words
//! after them alphabetically, and a word sorts before a number at the same place.

use std::cmp::Ordering;

/// A parsed Maven version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MavenVersion {
    items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Number(u128),
    /// A qualifier's rank (see [`qualifier_rank`]) and, for unknown words, the word.
    Word(u8, String),
    /// A `-` separated sub-list: `1.0-alpha-1`.
    List(Vec<Item>),
}

/// Rank of a qualifier; release (`""`, `ga`, `final`, `release`) is 5.
fn qualifier_rank(word: &str) -> (u8, String) {
    match word {
        "alpha" | "a" => (0, String::new()),
        "beta" | "b" => (1, String::new()),
        "milestone" | "m" => (2, String::new()),
        "rc" | "cr" => (3, String::new()),
        "snapshot" => (4, String::new()),
        "" | "ga" | "final" | "release" => (5, String::new()),
        "sp" => (6, String::new()),
        other => (7, other.to_owned()),
    }
}

impl MavenVersion {
    /// Parses any string; Maven orders every version string.
    pub fn parse(text: &str) -> MavenVersion {
        let text = text.trim().to_ascii_lowercase();
        let mut lists: Vec<Vec<Item>> = vec![Vec::new()];
        let mut token = String::new();
        let mut digits = false;
        let flush = |token: &mut String, digits: bool, list: &mut Vec<Item>| {
            let item = if digits {
                Item::Number(token.parse().unwrap_or(u128::MAX))
            } else {
                // A single letter before a number is a qualifier shorthand (`1a1`).
                let (rank, word) = qualifier_rank(token);
                Item::Word(rank, word)
            };
            list.push(item);
            token.clear();
        };
        for character in text.chars() {
            match character {
                '.' => {
                    if let Some(list) = lists.last_mut() {
                        flush(&mut token, digits, list);
                    }
                    digits = false;
                }
                '-' | '_' => {
                    if let Some(list) = lists.last_mut() {
                        flush(&mut token, digits, list);
                    }
                    lists.push(Vec::new());
                    digits = false;
                }
                c => {
                    let is_digit = c.is_ascii_digit();
                    if !token.is_empty() && is_digit != digits {
                        // A digit/letter boundary starts a sub-list, like `-`.
                        if let Some(list) = lists.last_mut() {
                            flush(&mut token, digits, list);
                        }
                        lists.push(Vec::new());
                    }
                    digits = is_digit;
                    token.push(c);
                }
            }
        }
        if let Some(list) = lists.last_mut() {
            flush(&mut token, digits, list);
        }
        let mut items: Vec<Item> = Vec::new();
        for (index, mut list) in lists.into_iter().enumerate() {
            normalize(&mut list);
            if index == 0 {
                items = list;
            } else if !list.is_empty() {
                items.push(Item::List(list));
            }
        }
        normalize(&mut items);
        MavenVersion { items }
    }
}

/// Drops trailing zeros and release words, as Maven does.
fn normalize(items: &mut Vec<Item>) {
    while let Some(last) = items.last() {
        let empty = match last {
            Item::Number(0) | Item::Word(5, _) => true,
            Item::List(list) => list.is_empty(),
            _ => false,
        };
        if !empty {
            break;
        }
        items.pop();
    }
}

fn compare_items(left: Option<&Item>, right: Option<&Item>) -> Ordering {
    match (left, right) {
        (None, None) => Ordering::Equal,
        (Some(item), None) => compare_to_nothing(item),
        (None, Some(item)) => compare_to_nothing(item).reverse(),
        (Some(Item::Number(a)), Some(Item::Number(b))) => a.cmp(b),
        (Some(Item::Word(a, x)), Some(Item::Word(b, y))) => a.cmp(b).then_with(|| x.cmp(y)),
        (Some(Item::List(a)), Some(Item::List(b))) => compare_lists(a, b),
        // Across kinds: word < list < number.
        (Some(a), Some(b)) => kind_rank(a).cmp(&kind_rank(b)),
    }
}

/// The order of item kinds at the same place: a word, then a sub-list, then a number.
fn kind_rank(item: &Item) -> u8 {
    match item {
        Item::Word(..) => 0,
        Item::List(_) => 1,
        Item::Number(_) => 2,
    }
}

/// How an item compares with a missing one (`1.0` vs `1.0.1`, `1.0-rc` vs `1.0`).
fn compare_to_nothing(item: &Item) -> Ordering {
    match item {
        Item::Number(0) => Ordering::Equal,
        Item::Number(_) => Ordering::Greater,
        Item::Word(rank, _) => rank.cmp(&5),
        Item::List(list) => list.first().map_or(Ordering::Equal, compare_to_nothing),
    }
}

fn compare_lists(left: &[Item], right: &[Item]) -> Ordering {
    let length = left.len().max(right.len());
    (0..length)
        .map(|index| compare_items(left.get(index), right.get(index)))
        .find(|ordering| ordering.is_ne())
        .unwrap_or(Ordering::Equal)
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        compare_lists(&self.items, &other.items)
    }
}

impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ordered(versions: &[&str]) {
        for pair in versions.windows(2) {
            assert!(
                MavenVersion::parse(pair[0]) < MavenVersion::parse(pair[1]),
                "{} < {}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn qualifiers_and_numbers_follow_maven() {
        ordered(&[
            "1.0-alpha-1",
            "1.0-alpha-2",
            "1.0-beta",
            "1.0-milestone-1",
            "1.0-rc1",
            "1.0-SNAPSHOT",
            "1.0",
            "1.0-sp",
            "1.0-whatever",
            "1.0.1",
            "1.1",
            "1.10",
            "2.0",
        ]);
        ordered(&["2.14.1", "2.15.0", "2.16.0", "2.17.0", "2.17.1"]);
        assert_eq!(MavenVersion::parse("1.0.0"), MavenVersion::parse("1"));
        assert_eq!(
            MavenVersion::parse("1.0-ga"),
            MavenVersion::parse("1.0-final")
        );
        assert_eq!(
            MavenVersion::parse("1.0-RC1").cmp(&MavenVersion::parse("1.0-cr1")),
            Ordering::Equal
        );
    }
}
