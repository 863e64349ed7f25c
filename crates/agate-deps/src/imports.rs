//! Imports checked against what the project declares and against the standard libraries:
//! undeclared third-party imports, and members of standard modules that do not exist.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

use agate_lang::{FileImports, Language};
use agate_model::{Confidence, RuleDescriptor, Severity};

use crate::findings::Draft;
use crate::manifest::Dependency;
use crate::stdlib::StdlibIndex;
use crate::suspicious::PackageUse;
use crate::version::Ecosystem;

/// The rule of an import no manifest declares.
pub const UNDECLARED_RULE: &str = "deps.undeclared-import";
/// The rule of a standard-library member that does not exist.
pub const UNKNOWN_API_RULE: &str = "deps.unknown-stdlib-api";

/// What the import check found.
#[derive(Debug, Default)]
pub struct ImportCheck {
    /// Undeclared imports and unknown standard-library members.
    pub findings: Vec<agate_model::Finding>,
    /// The packages behind undeclared imports, for the registry and typosquat checks.
    pub undeclared: Vec<PackageUse>,
}

/// Checks each file's imports. `manifests` are the ecosystems the project has a manifest
/// for: an import is only called undeclared where a manifest could have declared it.
pub fn check_imports(
    files: &[FileImports],
    dependencies: &[Dependency],
    manifests: &BTreeSet<Ecosystem>,
) -> ImportCheck {
    let declared = Declared::new(dependencies);
    let local = LocalModules::new(files);
    let mut check = ImportCheck::default();
    for file in files {
        let mut reported = HashSet::new();
        let optional = optional_modules(file);
        for import in &file.imports.modules {
            if optional.contains(top_level(&import.module)) {
                continue;
            }
            let verdict = match file.language {
                Language::Python => python_import(&file.path, &import.module, &declared, &local),
                Language::JavaScript | Language::TypeScript | Language::Tsx => {
                    javascript_import(&import.module, &declared)
                }
                Language::Java => java_import(&import.module, &declared, &local),
            };
            let Some(verdict) = verdict else {
                continue;
            };
            if !reported.insert(verdict.package().to_owned()) {
                continue;
            }
            match verdict {
                Verdict::Undeclared { ecosystem, package } => {
                    if !manifests.contains(&ecosystem) {
                        continue;
                    }
                    check
                        .findings
                        .push(undeclared_finding(&file.path, import, ecosystem, &package));
                    if ecosystem != Ecosystem::Maven {
                        check.undeclared.push(PackageUse {
                            ecosystem,
                            name: package,
                            path: file.path.clone(),
                            line: import.line,
                            column: import.column,
                            snippet: import.text.clone(),
                        });
                    }
                }
                Verdict::NotCore(module) => {
                    check.findings.push(unknown_api_finding(
                        &file.path,
                        (import.line, import.column, &import.text),
                        &format!("`{module}` is not a Node.js core module"),
                        &module,
                    ));
                }
            }
        }
        check_members(file, &local, &mut check);
    }
    check
}

/// The standard-library members `file` uses that do not exist (`os.path.joinpath`).
fn check_members(file: &FileImports, local: &LocalModules, check: &mut ImportCheck) {
    for member in &file.imports.members {
        let index = match file.language {
            Language::Python => {
                let top = top_level(&member.module);
                if local.python.contains(top) || !StdlibIndex::python().has_top_level(top) {
                    continue;
                }
                StdlibIndex::python()
            }
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                if !StdlibIndex::node().has_module(&member.module) {
                    continue;
                }
                StdlibIndex::node()
            }
            Language::Java => continue,
        };
        let Some(missing) = index.first_missing(&member.module, &member.path) else {
            continue;
        };
        let runtime = if file.language == Language::Python {
            "the Python standard library"
        } else {
            "Node.js"
        };
        let shown = member
            .module
            .strip_prefix("node:")
            .unwrap_or(&member.module)
            .replace('/', ".");
        let owner = std::iter::once(shown.as_str())
            .chain(member.path[..missing].iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(".");
        let name = &member.path[missing];
        let used = format!("{owner}.{name}");
        let hint = index
            .closest(&owner, name)
            .map(|close| format!("; did you mean `{owner}.{close}`?"))
            .unwrap_or_default();
        check.findings.push(unknown_api_finding(
            &file.path,
            (member.line, member.column, &member.text),
            &format!("`{used}` does not exist: `{owner}` in {runtime} has no `{name}`{hint}"),
            &used,
        ));
    }
}

enum Verdict {
    Undeclared {
        ecosystem: Ecosystem,
        package: String,
    },
    NotCore(String),
}

impl Verdict {
    fn package(&self) -> &str {
        match self {
            Verdict::Undeclared { package, .. } | Verdict::NotCore(package) => package,
        }
    }
}

/// Declared names, normalized per ecosystem.
struct Declared {
    python: HashSet<String>,
    npm: HashSet<String>,
    /// `groupId`s of Maven and Gradle dependencies.
    groups: Vec<String>,
}

impl Declared {
    fn new(dependencies: &[Dependency]) -> Declared {
        let mut declared = Declared {
            python: HashSet::new(),
            npm: HashSet::new(),
            groups: Vec::new(),
        };
        for dependency in dependencies {
            match dependency.ecosystem {
                Ecosystem::PyPI => {
                    declared
                        .python
                        .insert(Ecosystem::PyPI.normalize_name(&dependency.name));
                }
                Ecosystem::Npm => {
                    declared.npm.insert(dependency.name.clone());
                }
                Ecosystem::Maven => {
                    if let Some((group, _)) = dependency.name.split_once(':') {
                        declared.groups.push(group.to_owned());
                    }
                }
            }
        }
        declared
    }
}

/// Module names the project defines itself: every folder and file stem on the path of its
/// Python files, and consecutive folder pairs of its Java files (`com/example`).
struct LocalModules {
    python: HashSet<String>,
    java: HashSet<String>,
}

impl LocalModules {
    fn new(files: &[FileImports]) -> LocalModules {
        let mut local = LocalModules {
            python: HashSet::new(),
            java: HashSet::new(),
        };
        for file in files {
            let parts: Vec<&str> = file.path.split('/').collect();
            match file.language {
                Language::Python => {
                    for part in &parts {
                        let stem = part.strip_suffix(".py").unwrap_or(part);
                        local.python.insert(stem.to_owned());
                    }
                }
                Language::Java => {
                    for pair in parts.windows(2) {
                        local.java.insert(format!("{}.{}", pair[0], pair[1]));
                    }
                }
                _ => {}
            }
        }
        local
    }
}

/// `import-name distribution…` from `data/python-import-names.txt`.
static PYTHON_DISTRIBUTIONS: LazyLock<HashMap<&'static str, Vec<&'static str>>> =
    LazyLock::new(|| {
        include_str!("../data/python-import-names.txt")
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| {
                let mut words = line.split_ascii_whitespace();
                Some((words.next()?, words.collect()))
            })
            .collect()
    });

/// The top-level modules a file imports optionally somewhere (in a `try`, under `if
/// TYPE_CHECKING:`): the file copes without them, so its other imports of them — behind a
/// flag the `try` set (`if has_simplejson: from simplejson import …`) — are optional too.
fn optional_modules(file: &FileImports) -> HashSet<&str> {
    file.imports
        .modules
        .iter()
        .filter(|import| import.optional)
        .map(|import| top_level(&import.module))
        .collect()
}

/// `a` of `a.b.c`.
fn top_level(module: &str) -> &str {
    module.split('.').next().unwrap_or(module)
}

/// The packages a `setup.py` imports from its build backend: setuptools (with
/// `pkg_resources`) is what pip builds with when `pyproject.toml` names no other, and
/// `distutils` came with Python; none is a run-time dependency to declare.
const SETUP_PY_BUILD_MODULES: &[&str] = &["setuptools", "pkg_resources", "distutils"];

/// Whether `module`, imported by the file at `path`, is the build backend of a `setup.py`.
fn is_build_backend_import(path: &str, module: &str) -> bool {
    path.rsplit('/').next() == Some("setup.py")
        && SETUP_PY_BUILD_MODULES.contains(&top_level(module))
}

fn python_import(
    path: &str,
    module: &str,
    declared: &Declared,
    local: &LocalModules,
) -> Option<Verdict> {
    let top = top_level(module);
    if is_build_backend_import(path, module) {
        return None;
    }
    if top.is_empty()
        || top == "__future__"
        || StdlibIndex::python().has_top_level(top)
        || local.python.contains(top)
    {
        return None;
    }
    let mapped = PYTHON_DISTRIBUTIONS.get(top);
    // `google.cloud.storage` is google-cloud-storage: try each dotted prefix.
    let mut prefixes = Vec::new();
    let mut prefix = String::new();
    for part in module.split('.') {
        if !prefix.is_empty() {
            prefix.push('.');
        }
        prefix.push_str(part);
        prefixes.push(Ecosystem::PyPI.normalize_name(&prefix));
    }
    let is_declared = |name: &str| {
        declared
            .python
            .contains(&Ecosystem::PyPI.normalize_name(name))
    };
    let found = prefixes.iter().any(|candidate| {
        declared.python.contains(candidate)
            || ["python-", "py"]
                .iter()
                .any(|affix| is_declared(&format!("{affix}{candidate}")))
            || is_declared(&format!("{candidate}-python"))
    }) || mapped.is_some_and(|names| names.iter().any(|name| is_declared(name)));
    if found {
        return None;
    }
    let package = mapped
        .and_then(|names| names.first())
        .map_or_else(|| top.to_owned(), |name| (*name).to_owned());
    Some(Verdict::Undeclared {
        ecosystem: Ecosystem::PyPI,
        package,
    })
}

fn javascript_import(specifier: &str, declared: &Declared) -> Option<Verdict> {
    if specifier.is_empty()
        || specifier.starts_with(['.', '/', '#', '~'])
        || specifier.starts_with("@/")
    {
        return None;
    }
    if let Some(core) = specifier.strip_prefix("node:") {
        return (!StdlibIndex::node().has_module(specifier) && !core.is_empty())
            .then(|| Verdict::NotCore(specifier.to_owned()));
    }
    // Loader and bundler schemes (`virtual:`, `data:`, `https:`) are not packages.
    if specifier.contains(':') {
        return None;
    }
    let package = package_name(specifier);
    if StdlibIndex::node().has_module(specifier) || StdlibIndex::node().has_module(package) {
        return None;
    }
    if declared.npm.contains(package) {
        return None;
    }
    Some(Verdict::Undeclared {
        ecosystem: Ecosystem::Npm,
        package: package.to_owned(),
    })
}

/// The package of a bare specifier: `@scope/name` or `name`, without the subpath.
fn package_name(specifier: &str) -> &str {
    let mut slashes = specifier.match_indices('/');
    let cut = if specifier.starts_with('@') {
        slashes.nth(1)
    } else {
        slashes.next()
    };
    cut.map_or(specifier, |(index, _)| &specifier[..index])
}

/// Packages of the Java platform, not of any dependency.
const JDK_PREFIXES: &[&str] = &[
    "java.",
    "javax.accessibility.",
    "javax.annotation.processing.",
    "javax.crypto.",
    "javax.imageio.",
    "javax.lang.model.",
    "javax.management.",
    "javax.naming.",
    "javax.net.",
    "javax.print.",
    "javax.rmi.",
    "javax.script.",
    "javax.security.",
    "javax.sound.",
    "javax.sql.",
    "javax.swing.",
    "javax.tools.",
    "javax.transaction.xa.",
    "javax.xml.",
    "jdk.",
    "sun.",
    "com.sun.",
    "org.ietf.jgss.",
    "org.w3c.dom.",
    "org.xml.sax.",
];

/// Packages whose groupId does not share their first two segments.
const JAVA_GROUPS: &[(&str, &str)] = &[
    ("com.google.common.", "com.google.guava"),
    ("org.junit.", "junit"),
    ("junit.", "junit"),
    ("lombok.", "org.projectlombok"),
    ("org.apache.log4j.", "log4j"),
    ("org.apache.commons.io.", "commons-io"),
    ("org.apache.commons.codec.", "commons-codec"),
    ("org.apache.commons.logging.", "commons-logging"),
    ("org.apache.commons.collections.", "commons-collections"),
    ("org.apache.commons.lang.", "commons-lang"),
    // JSR 305 annotations (`@Nonnull`, `@CheckForNull`) ship as
    // `com.google.code.findbugs:jsr305`.
    ("javax.annotation.", "com.google.code.findbugs"),
];

fn java_import(import: &str, declared: &Declared, local: &LocalModules) -> Option<Verdict> {
    let dotted = format!("{import}.");
    if JDK_PREFIXES.iter().any(|prefix| dotted.starts_with(prefix)) {
        return None;
    }
    let mut segments = import.split('.');
    let (Some(first), Some(second)) = (segments.next(), segments.next()) else {
        return None;
    };
    let organization = format!("{first}.{second}");
    if local.java.contains(&organization) {
        return None;
    }
    let shares_organization =
        |group: &String| group == &organization || group.starts_with(&format!("{organization}."));
    let mapped = JAVA_GROUPS.iter().any(|(prefix, group)| {
        dotted.starts_with(prefix) && declared.groups.iter().any(|g| g == group)
    });
    if mapped || declared.groups.iter().any(shares_organization) {
        return None;
    }
    Some(Verdict::Undeclared {
        ecosystem: Ecosystem::Maven,
        package: organization,
    })
}

fn undeclared_finding(
    path: &str,
    import: &agate_lang::imports::ImportedModule,
    ecosystem: Ecosystem,
    package: &str,
) -> agate_model::Finding {
    let (what, manifests) = match ecosystem {
        Ecosystem::PyPI => (
            format!("the distribution `{package}`"),
            "requirements.txt or pyproject.toml",
        ),
        Ecosystem::Npm => (format!("the package `{package}`"), "package.json"),
        Ecosystem::Maven => (
            format!("a dependency whose groupId starts with `{package}`"),
            "pom.xml or build.gradle",
        ),
    };
    Draft {
        rule_id: UNDECLARED_RULE,
        analyzer: agate_model::Analyzer::AiPatterns,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        message: format!(
            "`{}` is imported, but no manifest declares {what}: declare it in {manifests}, or remove the import if the package is not meant to be there",
            import.module
        ),
        path,
        line: import.line,
        column: import.column,
        snippet: import.text.clone(),
        code: &format!("{}:{package}", ecosystem.as_osv()),
        cwe: vec!["CWE-1357".to_owned()],
        owasp: vec!["A06:2021".to_owned()],
    }
    .finding()
}

fn unknown_api_finding(
    path: &str,
    (line, column, text): (u32, u32, &str),
    message: &str,
    used: &str,
) -> agate_model::Finding {
    Draft {
        rule_id: UNKNOWN_API_RULE,
        analyzer: agate_model::Analyzer::AiPatterns,
        severity: Severity::Medium,
        confidence: Confidence::High,
        message: message.to_owned(),
        path,
        line,
        column,
        snippet: text.to_owned(),
        code: used,
        cwe: Vec::new(),
        owasp: Vec::new(),
    }
    .finding()
}

/// What reports say about the import rules.
pub(crate) fn import_rules() -> Vec<RuleDescriptor> {
    vec![
        RuleDescriptor {
            id: UNDECLARED_RULE.to_owned(),
            language: "any".to_owned(),
            summary: "code imports a third-party package that no manifest declares".to_owned(),
            help: "## Why it matters\n\nAn import of a package the project does not declare either fails at run time, or installs whatever a registry serves under that name: code assistants suggest packages that do not exist, and attackers register those names (slopsquatting).\n\n## How to fix\n\nCheck that the package is the one you mean and exists, then declare it (requirements.txt, pyproject.toml, package.json, pom.xml); otherwise remove the import.\n\n## References\n\n- https://cwe.mitre.org/data/definitions/1357.html\n".to_owned(),
            severity: Severity::Medium,
            confidence: Confidence::Medium,
            cwe: vec!["CWE-1357".to_owned()],
            owasp: vec!["A06:2021".to_owned()],
            compliance: Vec::new(),
            ai_pattern: true,
        },
        RuleDescriptor {
            id: UNKNOWN_API_RULE.to_owned(),
            language: "any".to_owned(),
            summary: "a call to a standard-library function that does not exist".to_owned(),
            help: "## Why it matters\n\nCode assistants invent plausible members of standard modules (`os.path.joinpath`, `json.parse` in Python, `fs.readFileAsync` in Node.js). The code fails when it reaches that line, often on an error path no test covers.\n\n## How to fix\n\nUse the function the module has (the finding suggests the closest name).\n".to_owned(),
            severity: Severity::Medium,
            confidence: Confidence::High,
            cwe: Vec::new(),
            owasp: Vec::new(),
            compliance: Vec::new(),
            ai_pattern: true,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npm_package_of_a_specifier() {
        assert_eq!(package_name("lodash/debounce"), "lodash");
        assert_eq!(package_name("@scope/pkg/sub/path"), "@scope/pkg");
        assert_eq!(package_name("@scope/pkg"), "@scope/pkg");
        assert_eq!(package_name("express"), "express");
    }

    #[test]
    fn issue_9_setup_py_imports_its_build_backend_without_declaring_it() {
        assert!(is_build_backend_import("setup.py", "setuptools"));
        assert!(is_build_backend_import(
            "pkg/setup.py",
            "setuptools.command.build_py"
        ));
        assert!(is_build_backend_import("setup.py", "pkg_resources"));
        assert!(!is_build_backend_import("app/main.py", "setuptools"));
        assert!(!is_build_backend_import("setup.py", "requests"));
        let declared = Declared::new(&[]);
        let local = LocalModules::new(&[]);
        assert!(python_import("setup.py", "setuptools", &declared, &local).is_none());
        assert!(python_import("tool.py", "setuptools", &declared, &local).is_some());
    }

    #[test]
    fn issue_9_jsr305_annotations_are_declared_by_their_findbugs_artifact() {
        let local = LocalModules::new(&[]);
        let with_jsr305 = Declared {
            python: HashSet::new(),
            npm: HashSet::new(),
            groups: vec!["com.google.code.findbugs".to_owned()],
        };
        assert!(java_import("javax.annotation.CheckForNull", &with_jsr305, &local).is_none());
        let without = Declared::new(&[]);
        assert!(java_import("javax.annotation.CheckForNull", &without, &local).is_some());
        assert!(
            java_import("javax.annotation.processing.Processor", &without, &local).is_none(),
            "the JDK's own javax.annotation.processing needs no dependency"
        );
    }
}
