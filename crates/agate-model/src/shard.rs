use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Shard `index` of `count` (1-based): the files whose path hashes to it. A file's shard
/// depends on its own path only (CRC-32 of the path relative to the scan root), so adding,
/// removing or renaming other files never moves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Shard {
    /// Which shard, from 1 to `count`.
    pub index: u32,
    /// How many shards the files are split into.
    pub count: u32,
}

impl Shard {
    /// Whether it names a shard that exists: `1 <= index <= count`.
    pub fn is_valid(self) -> bool {
        (1..=self.count).contains(&self.index)
    }

    /// Whether the file at `relative` (relative to the scan root, `/`-separated) is in this
    /// shard.
    pub fn owns(self, relative: &str) -> bool {
        self.count <= 1 || crc32fast::hash(relative.as_bytes()) % self.count == self.index - 1
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_is_in_exactly_one_shard() {
        let paths: Vec<String> = (0..1000).map(|n| format!("src/module_{n}.py")).collect();
        for count in 1..=5 {
            let shards: Vec<Shard> = (1..=count).map(|index| Shard { index, count }).collect();
            for path in &paths {
                let owners = shards.iter().filter(|shard| shard.owns(path)).count();
                assert_eq!(owners, 1, "{path} in {count} shards");
            }
            // Roughly even: no shard of a thousand files is empty or holds most of them.
            for shard in &shards {
                let held = paths.iter().filter(|path| shard.owns(path)).count();
                assert!(held > 1000 / count as usize / 2, "{shard} holds {held}");
            }
        }
    }
}
