//! Java: `pom.xml` (with `${property}` versions, `dependencyManagement`, and parent POMs the
//! caller found in the repository), Gradle lockfiles and `build.gradle(.kts)` declarations.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use quick_xml::events::Event;

use crate::manifest::{Dependency, ManifestProblem, Parsed, line_of};
use crate::version::Ecosystem;

/// A parsed POM: coordinates, parent, properties, managed versions and dependencies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pom {
    /// The file.
    pub path: String,
    /// `groupId`, `artifactId`, `version` (inherited from the parent when absent).
    pub coordinates: (Option<String>, Option<String>, Option<String>),
    /// The parent's `groupId`, `artifactId`, `version` and `relativePath`.
    pub parent: Option<(String, String, Option<String>, Option<String>)>,
    properties: BTreeMap<String, String>,
    managed: BTreeMap<String, String>,
    dependencies: Vec<Declared>,
}

/// A `<dependency>` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Declared {
    group: String,
    artifact: String,
    version: Option<String>,
    line: u32,
}

impl Pom {
    /// Parses a POM; malformed XML is a problem naming the line.
    pub fn parse(path: &str, text: &str) -> Result<Pom, ManifestProblem> {
        let mut reader = quick_xml::Reader::from_str(text);
        reader.config_mut().trim_text(true);
        let mut pom = Pom {
            path: path.to_owned(),
            ..Pom::default()
        };
        let mut stack: Vec<String> = Vec::new();
        let mut current: Option<Declared> = None;
        let mut parent: (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        ) = (None, None, None, None);
        loop {
            let position = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
            let event = reader.read_event().map_err(|error| ManifestProblem {
                path: path.to_owned(),
                line: Some(line_of(text, position)),
                message: format!("not valid XML: {error}"),
            })?;
            match event {
                Event::Start(start) => {
                    let name = start.local_name().as_ref().to_owned();
                    if name == "dependency" {
                        // The event starts at the `<` after any whitespace before it.
                        let start = text
                            .get(position..)
                            .and_then(|rest| rest.find('<'))
                            .map_or(position, |at| position + at);
                        current = Some(Declared {
                            line: line_of(text, start),
                            ..Declared::default()
                        });
                    }
                    stack.push(name);
                }
                Event::End(_) => {
                    if stack.last().is_some_and(|name| name == "dependency")
                        && let Some(declared) = current.take()
                    {
                        let managed = stack.iter().any(|name| name == "dependencyManagement");
                        if managed {
                            if let Some(version) = &declared.version {
                                pom.managed.insert(
                                    format!("{}:{}", declared.group, declared.artifact),
                                    version.clone(),
                                );
                            }
                        } else if !stack.iter().any(|name| name == "plugin") {
                            pom.dependencies.push(declared);
                        }
                    }
                    stack.pop();
                }
                Event::Text(content) => {
                    let value = content.xml10_content().trim().to_owned();
                    pom.take_text(&stack, value, &mut current, &mut parent);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if let (Some(group), Some(artifact)) = (parent.0, parent.1) {
            pom.parent = Some((group, artifact, parent.2, parent.3));
        }
        Ok(pom)
    }

    /// Files a text node under the element path `stack`.
    fn take_text(
        &mut self,
        stack: &[String],
        value: String,
        current: &mut Option<Declared>,
        parent: &mut (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        ),
    ) {
        let path: Vec<&str> = stack.iter().map(String::as_str).collect();
        match path.as_slice() {
            ["project", "groupId"] => self.coordinates.0 = Some(value),
            ["project", "artifactId"] => self.coordinates.1 = Some(value),
            ["project", "version"] => self.coordinates.2 = Some(value),
            ["project", "parent", "groupId"] => parent.0 = Some(value),
            ["project", "parent", "artifactId"] => parent.1 = Some(value),
            ["project", "parent", "version"] => parent.2 = Some(value),
            ["project", "parent", "relativePath"] => parent.3 = Some(value),
            ["project", "properties", name] => {
                self.properties.insert((*name).to_owned(), value);
            }
            [.., "dependency", field] => {
                if let Some(declared) = current.as_mut() {
                    match *field {
                        "groupId" => declared.group = value,
                        "artifactId" => declared.artifact = value,
                        "version" => declared.version = Some(value),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// The dependencies with versions resolved: `${property}` from this POM then its
    /// parents (`parents`: nearest first), `${project.version}`, and versions managed in
    /// `dependencyManagement` here or in a parent. An unresolved version is a problem.
    pub fn dependencies(&self, parents: &[Pom]) -> Parsed {
        let mut parsed = Parsed::default();
        let lookup = |key: &str| -> Option<String> {
            match key {
                "project.version" | "pom.version" | "version" => self
                    .coordinates
                    .2
                    .clone()
                    .or_else(|| self.parent.as_ref()?.2.clone()),
                "project.parent.version" => self.parent.as_ref()?.2.clone(),
                "project.groupId" => self
                    .coordinates
                    .0
                    .clone()
                    .or_else(|| Some(self.parent.as_ref()?.0.clone())),
                _ => std::iter::once(self)
                    .chain(parents)
                    .find_map(|pom| pom.properties.get(key).cloned()),
            }
        };
        for declared in &self.dependencies {
            let group = substitute(&declared.group, &lookup);
            let artifact = substitute(&declared.artifact, &lookup);
            let key = format!("{group}:{artifact}");
            let version = declared
                .version
                .clone()
                .or_else(|| {
                    std::iter::once(self)
                        .chain(parents)
                        .find_map(|pom| pom.managed.get(&key).cloned())
                })
                .map(|version| substitute(&version, &lookup));
            match &version {
                Some(version) if version.contains("${") => parsed.problems.push(ManifestProblem {
                    path: self.path.clone(),
                    line: Some(declared.line),
                    message: format!("cannot resolve the version `{version}` of {key}"),
                }),
                _ => {}
            }
            let (version, requirement) = match version {
                Some(version) if version.starts_with(['[', '(']) => (None, Some(version)),
                other => (other.filter(|version| !version.contains("${")), None),
            };
            parsed.dependencies.push(Dependency {
                ecosystem: Ecosystem::Maven,
                name: key,
                version,
                requirement,
                direct: true,
                path: self.path.clone(),
                line: declared.line,
            });
        }
        parsed
    }
}

/// Replaces `${name}` references (up to 8 levels deep, for properties that name others).
fn substitute(value: &str, lookup: &impl Fn(&str) -> Option<String>) -> String {
    let mut value = value.to_owned();
    for _ in 0..8 {
        let Some(start) = value.find("${") else { break };
        let Some(length) = value[start..].find('}') else {
            break;
        };
        let name = &value[start + 2..start + length];
        let Some(replacement) = lookup(name) else {
            break;
        };
        value.replace_range(start..=start + length, &replacement);
    }
    value
}

static GRADLE_STRING: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r#"(?m)^\s*(?:implementation|api|compileOnly|runtimeOnly|testImplementation|testRuntimeOnly|annotationProcessor|kapt|compile|testCompile)\s*\(?\s*["']([^"':\s]+):([^"':\s]+):([^"'\s@]+)["']"#,
    )
    .unwrap_or_else(|_| unreachable!("a fixed, tested pattern"))
});

static GRADLE_MAP: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r#"(?m)^\s*(?:implementation|api|compileOnly|runtimeOnly|testImplementation|compile)\s*\(?\s*group\s*[:=]\s*["']([^"']+)["']\s*,\s*name\s*[:=]\s*["']([^"']+)["']\s*,\s*version\s*[:=]\s*["']([^"']+)["']"#,
    )
    .unwrap_or_else(|_| unreachable!("a fixed, tested pattern"))
});

/// Parses the declarations of `build.gradle` or `build.gradle.kts`: the string notation
/// (`implementation("g:a:v")`) and the map notation (`group: …, name: …, version: …`).
pub fn parse_gradle_build(path: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for regex in [&*GRADLE_STRING, &*GRADLE_MAP] {
        for captures in regex.captures_iter(text) {
            let (Some(whole), Some(group), Some(artifact), Some(version)) = (
                captures.get(0),
                captures.get(1),
                captures.get(2),
                captures.get(3),
            ) else {
                continue;
            };
            let version = version.as_str();
            let dynamic = version.contains(['+', '$', '[', '(']);
            parsed.dependencies.push(Dependency {
                ecosystem: Ecosystem::Maven,
                name: format!("{}:{}", group.as_str(), artifact.as_str()),
                version: (!dynamic).then(|| version.to_owned()),
                requirement: dynamic.then(|| version.to_owned()),
                direct: true,
                path: path.to_owned(),
                line: line_of(
                    text,
                    whole.start() + (whole.len() - whole.as_str().trim_start().len()),
                ),
            });
        }
    }
    parsed
        .dependencies
        .sort_by_key(|dependency| dependency.line);
    parsed
}

/// Parses `gradle.lockfile`: `group:artifact:version=configurations` lines.
pub fn parse_gradle_lockfile(path: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for (index, line) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("empty=") {
            continue;
        }
        let coordinates = line.split('=').next().unwrap_or(line);
        let parts: Vec<&str> = coordinates.split(':').collect();
        if let [group, artifact, version] = parts.as_slice() {
            parsed.dependencies.push(Dependency {
                ecosystem: Ecosystem::Maven,
                name: format!("{group}:{artifact}"),
                version: Some((*version).to_owned()),
                requirement: None,
                direct: false,
                path: path.to_owned(),
                line: number,
            });
        } else {
            parsed.problems.push(ManifestProblem {
                path: path.to_owned(),
                line: Some(number),
                message: format!("not `group:artifact:version=…`: `{line}`"),
            });
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARENT: &str = r"<project>
  <groupId>com.acme</groupId>
  <artifactId>parent</artifactId>
  <version>1.4.0</version>
  <properties>
    <log4j.version>2.14.1</log4j.version>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>com.fasterxml.jackson.core</groupId>
        <artifactId>jackson-databind</artifactId>
        <version>2.13.0</version>
      </dependency>
    </dependencies>
  </dependencyManagement>
</project>";

    const CHILD: &str = r#"<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <parent>
    <groupId>com.acme</groupId>
    <artifactId>parent</artifactId>
    <version>1.4.0</version>
  </parent>
  <artifactId>service</artifactId>
  <properties>
    <guava.version>31.1-jre</guava.version>
  </properties>
  <dependencies>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>${log4j.version}</version>
    </dependency>
    <dependency>
      <groupId>com.fasterxml.jackson.core</groupId>
      <artifactId>jackson-databind</artifactId>
    </dependency>
    <dependency>
      <groupId>com.google.guava</groupId>
      <artifactId>guava</artifactId>
      <version>${guava.version}</version>
    </dependency>
    <dependency>
      <groupId>com.acme</groupId>
      <artifactId>common</artifactId>
      <version>${project.version}</version>
    </dependency>
    <dependency>
      <groupId>org.example</groupId>
      <artifactId>missing</artifactId>
      <version>${nowhere}</version>
    </dependency>
  </dependencies>
</project>"#;

    #[test]
    fn properties_parents_and_managed_versions_resolve() {
        let parent = Pom::parse("pom.xml", PARENT).unwrap();
        let child = Pom::parse("service/pom.xml", CHILD).unwrap();
        assert_eq!(
            child.parent.as_ref().map(|parent| parent.1.as_str()),
            Some("parent")
        );
        let parsed = child.dependencies(&[parent]);
        let summary: Vec<(&str, Option<&str>, u32)> = parsed
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            summary,
            [
                ("org.apache.logging.log4j:log4j-core", Some("2.14.1"), 13),
                (
                    "com.fasterxml.jackson.core:jackson-databind",
                    Some("2.13.0"),
                    18
                ),
                ("com.google.guava:guava", Some("31.1-jre"), 22),
                ("com.acme:common", Some("1.4.0"), 27),
                ("org.example:missing", None, 32),
            ]
        );
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].line, Some(32));
        let broken = Pom::parse("pom.xml", "<project>\n  <dependencies>\n</project>").unwrap_err();
        assert!(
            broken.message.starts_with("not valid XML"),
            "{}",
            broken.message
        );
    }

    #[test]
    fn gradle_builds_and_lockfiles() {
        let build = "dependencies {\n    implementation 'org.springframework:spring-core:5.3.20'\n    testImplementation(\"junit:junit:4.13.2\")\n    api group: 'com.google.guava', name: 'guava', version: '31.1-jre'\n    implementation \"com.acme:dyn:1.+\"\n}\n";
        let parsed = parse_gradle_build("build.gradle", build);
        let summary: Vec<(&str, Option<&str>, u32)> = parsed
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            summary,
            [
                ("org.springframework:spring-core", Some("5.3.20"), 2),
                ("junit:junit", Some("4.13.2"), 3),
                ("com.google.guava:guava", Some("31.1-jre"), 4),
                ("com.acme:dyn", None, 5),
            ]
        );
        let lock = "# comment\norg.apache.logging.log4j:log4j-core:2.14.1=compileClasspath,runtimeClasspath\nbroken-line\nempty=annotationProcessor\n";
        let parsed = parse_gradle_lockfile("gradle.lockfile", lock);
        assert_eq!(
            parsed.dependencies[0].name,
            "org.apache.logging.log4j:log4j-core"
        );
        assert_eq!(parsed.dependencies[0].line, 2);
        assert_eq!(parsed.problems[0].line, Some(3));
    }
}
