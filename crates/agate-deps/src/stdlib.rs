//! Symbol indexes of the Python standard library and Node.js core modules, generated from
//! the real runtimes by `scripts/stdlib-index/` and compiled into the binary.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// The modules of a standard library and the names each defines.
#[derive(Debug)]
pub struct StdlibIndex {
    namespaces: HashMap<&'static str, Namespace>,
    /// Strips a scheme such as `node:` from module names before lookup.
    scheme: Option<&'static str>,
}

#[derive(Debug)]
struct Namespace {
    /// Names are made up at run time (a module `__getattr__`): never report a missing one.
    open: bool,
    members: HashSet<&'static str>,
}

static PYTHON: LazyLock<StdlibIndex> =
    LazyLock::new(|| StdlibIndex::parse(include_str!("../data/python-stdlib.txt"), None));
static NODE: LazyLock<StdlibIndex> =
    LazyLock::new(|| StdlibIndex::parse(include_str!("../data/node-core.txt"), Some("node:")));

impl StdlibIndex {
    /// The Python standard library (every version typeshed covers, plus the generating
    /// interpreter's own modules).
    pub fn python() -> &'static StdlibIndex {
        &PYTHON
    }

    /// Node.js core modules.
    pub fn node() -> &'static StdlibIndex {
        &NODE
    }

    fn parse(text: &'static str, scheme: Option<&'static str>) -> StdlibIndex {
        let namespaces = text
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| {
                let (name, members) = line.split_once(": ")?;
                let (name, open) = match name.strip_suffix('*') {
                    Some(name) => (name, true),
                    None => (name, false),
                };
                let members = members.split_ascii_whitespace().collect();
                Some((name, Namespace { open, members }))
            })
            .collect();
        StdlibIndex { namespaces, scheme }
    }

    fn namespace(&self, module: &str) -> Option<&Namespace> {
        self.namespaces.get(module).or_else(|| {
            let bare = module.strip_prefix(self.scheme?)?;
            self.namespaces.get(bare)
        })
    }

    /// Whether `module` (`os.path`, `node:fs`, `fs/promises`) is part of the library.
    pub fn has_module(&self, module: &str) -> bool {
        self.namespace(&module.replace('/', ".")).is_some()
    }

    /// Whether the top-level package of a dotted Python name (`xml` of `xml.etree`) is part
    /// of the library.
    pub fn has_top_level(&self, module: &str) -> bool {
        let top = module.split(['.', '/']).next().unwrap_or(module);
        self.namespace(top).is_some()
    }

    /// The member of `module` whose name is closest to `name` (a likely intended name).
    pub fn closest(&self, module: &str, name: &str) -> Option<&'static str> {
        let namespace = self.namespace(&module.replace('/', "."))?;
        namespace
            .members
            .iter()
            .filter(|member| !member.starts_with('_'))
            .map(|member| (strsim::jaro_winkler(member, name), *member))
            .filter(|(score, _)| *score >= 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
            .map(|(_, member)| member)
    }

    /// Follows `path` from `module` and returns the index of the first member the library
    /// does not define, if any. Stops (with `None`) at a name that is not itself a module
    /// of the index (a class, a function) and at open namespaces.
    pub fn first_missing(&self, module: &str, path: &[String]) -> Option<usize> {
        let mut current = module.replace('/', ".");
        for (index, member) in path.iter().enumerate() {
            let namespace = self.namespace(&current)?;
            if namespace.open {
                return None;
            }
            if !namespace.members.contains(member.as_str()) {
                return Some(index);
            }
            current = format!("{current}.{member}");
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(members: &str) -> Vec<String> {
        members.split('.').map(str::to_owned).collect()
    }

    #[test]
    fn python_members_and_submodules() {
        let python = StdlibIndex::python();
        assert!(python.has_module("os.path"));
        assert!(python.has_top_level("xml.etree.ElementTree"));
        assert!(!python.has_top_level("yaml"));
        assert_eq!(python.first_missing("os", &path("path.joinpath")), Some(1));
        assert_eq!(python.first_missing("json", &path("parse")), Some(0));
        assert_eq!(python.first_missing("json", &path("loads")), None);
        assert_eq!(python.first_missing("os", &path("path.join")), None);
        // Submodules are members of their package even before they are imported.
        assert_eq!(
            python.first_missing("concurrent", &path("futures.ThreadPoolExecutor")),
            None
        );
        // Added in 3.12: typeshed's version branches keep it valid.
        assert_eq!(python.first_missing("itertools", &path("batched")), None);
        // A class's attributes are not indexed: the chain stops there.
        assert_eq!(
            python.first_missing("json", &path("JSONDecoder.nothing")),
            None
        );
    }

    #[test]
    fn issue_9_pypy_members_of_sys_exist_and_the_index_holds_only_namespaces() {
        let python = StdlibIndex::python();
        assert_eq!(
            python.first_missing("sys", &path("pypy_version_info")),
            None
        );
        assert_eq!(
            python.first_missing("sys", &path("pypy_translation_info")),
            None
        );
        assert_eq!(python.first_missing("sys", &path("pypy_nonsense")), Some(0));
        // Every line is a comment or `namespace: members` (the generator once captured
        // what `import this` prints).
        let text = include_str!("../data/python-stdlib.txt");
        assert!(
            text.lines()
                .all(|line| line.starts_with('#') || line.contains(": "))
        );
    }

    #[test]
    fn node_members_with_and_without_scheme() {
        let node = StdlibIndex::node();
        assert!(node.has_module("fs") && node.has_module("node:fs"));
        assert!(node.has_module("fs/promises") && node.has_module("node:test"));
        assert!(!node.has_module("express"));
        assert_eq!(node.first_missing("fs", &path("readFileAsync")), Some(0));
        assert_eq!(
            node.first_missing("node:fs", &path("promises.readFile")),
            None
        );
        assert_eq!(node.first_missing("fs/promises", &path("readFile")), None);
        assert_eq!(node.first_missing("path", &path("joinPaths")), Some(0));
        assert_eq!(node.first_missing("node:test", &path("describe")), None);
    }
}
