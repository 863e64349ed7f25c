//! Imports and member chains read off real syntax trees.

use agate_lang::{Imports, Language, imports};
use ast_grep_core::tree_sitter::LanguageExt;

fn read(language: Language, source: &str) -> Imports {
    let root = language.ast_grep(source);
    imports(language, &root.root())
}

fn modules(found: &Imports) -> Vec<(&str, u32)> {
    found
        .modules
        .iter()
        .map(|module| (module.module.as_str(), module.line))
        .collect()
}

fn members(found: &Imports) -> Vec<(String, u32)> {
    found
        .members
        .iter()
        .map(|member| {
            (
                format!("{}:{}", member.module, member.path.join(".")),
                member.line,
            )
        })
        .collect()
}

#[test]
fn python_imports_bindings_and_chains() {
    let source = "\
import os
import numpy as np, yaml
import xml.etree.ElementTree
from json import loads, parse as p
from . import sibling
from .pkg import thing
from os import path

os.path.joinpath('a', 'b')
np.array([1])
path.exists('x')
xml.etree.ElementTree.parse('f')
p('{}')
";
    let found = read(Language::Python, source);
    assert_eq!(
        modules(&found),
        [
            ("os", 1),
            ("numpy", 2),
            ("yaml", 2),
            ("xml.etree.ElementTree", 3),
            ("json", 4),
            ("os", 7)
        ]
    );
    assert_eq!(
        members(&found),
        [
            ("json:loads".to_owned(), 4),
            ("json:parse".to_owned(), 4),
            ("os:path".to_owned(), 7),
            ("os:path.joinpath".to_owned(), 9),
            ("numpy:array".to_owned(), 10),
            ("os:path.exists".to_owned(), 11),
            ("xml:etree.ElementTree.parse".to_owned(), 12),
        ]
    );
    let joinpath = &found.members[3];
    assert_eq!((joinpath.line, joinpath.column), (9, 4));
}

/// Each imported module, and whether the import is optional.
fn optional(found: &Imports) -> Vec<(&str, bool)> {
    found
        .modules
        .iter()
        .map(|module| (module.module.as_str(), module.optional))
        .collect()
}

#[test]
fn imports_in_try_blocks_are_optional() {
    let source = "\
import yaml
try:
    import ujson as json
except ImportError:
    import json
";
    let found = read(Language::Python, source);
    let optional = optional(&found);
    assert_eq!(optional, [("yaml", false), ("ujson", true), ("json", true)]);
}

#[test]
fn issue_9_python_imports_under_type_checking_are_optional_and_its_else_is_not() {
    let source = "\
import typing
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from _typeshed import SupportsRead
if typing.TYPE_CHECKING:
    import mypy_extensions
else:
    import attr
if DEBUG:
    import debugpy
";
    let found = read(Language::Python, source);
    let optional = optional(&found);
    assert_eq!(
        optional,
        [
            ("typing", false),
            ("typing", false),
            ("_typeshed", true),
            ("mypy_extensions", true),
            ("attr", false),
            ("debugpy", false)
        ]
    );
}

#[test]
fn python_same_import_twice_still_binds() {
    let source = "\
import json

def load(text):
    import json
    return json.parse(text)
";
    let found = read(Language::Python, source);
    assert_eq!(members(&found), [("json:parse".to_owned(), 5)]);
}

#[test]
fn python_names_rebound_by_the_file_are_not_followed() {
    let source = "\
import json
import re

def handle(json):
    return json.parse(json)

for re in patterns:
    re.whatever()
";
    let found = read(Language::Python, source);
    assert!(members(&found).is_empty(), "{:?}", found.members);
}

#[test]
fn javascript_imports_requires_and_chains() {
    let source = "\
import fs from 'fs';
import * as path from \"node:path\";
import { readFileAsync, promises as p } from 'fs';
import express from 'express';
import debounce from 'lodash/debounce';
import type { Foo } from '@scope/types/sub';
import './local.js';
const cp = require('child_process');
const { spawnAsync, exec: run } = require('node:child_process');
export { x } from 'left-pad';
const lazy = await import('chalk');

fs.readFileAsync('a');
fs.promises.readFile('a');
path.joinPaths('a');
cp.execSync('ls');
p.readFile('b');
";
    let found = read(Language::TypeScript, source);
    assert_eq!(
        modules(&found),
        [
            ("fs", 1),
            ("node:path", 2),
            ("fs", 3),
            ("express", 4),
            ("lodash/debounce", 5),
            ("@scope/types/sub", 6),
            ("./local.js", 7),
            ("child_process", 8),
            ("node:child_process", 9),
            ("left-pad", 10),
            ("chalk", 11),
        ]
    );
    assert_eq!(
        members(&found),
        [
            ("fs:readFileAsync".to_owned(), 3),
            ("fs:promises".to_owned(), 3),
            ("@scope/types/sub:Foo".to_owned(), 6),
            ("node:child_process:spawnAsync".to_owned(), 9),
            ("node:child_process:exec".to_owned(), 9),
            ("fs:readFileAsync".to_owned(), 13),
            ("fs:promises.readFile".to_owned(), 14),
            ("node:path:joinPaths".to_owned(), 15),
            ("child_process:execSync".to_owned(), 16),
            ("fs:promises.readFile".to_owned(), 17),
        ]
    );
}

#[test]
fn javascript_shadowed_names_are_not_followed() {
    let source = "\
const fs = require('fs');
function read(fs) { return fs.readFileAsync('x'); }
";
    let found = read(Language::JavaScript, source);
    assert_eq!(modules(&found), [("fs", 1)]);
    assert!(found.members.is_empty(), "{:?}", found.members);
}

#[test]
fn java_imports() {
    let source = "\
package com.example.app;

import java.util.List;
import static org.junit.jupiter.api.Assertions.assertEquals;
import com.fasterxml.jackson.databind.*;

class A {}
";
    let found = read(Language::Java, source);
    assert_eq!(
        modules(&found),
        [
            ("java.util.List", 3),
            ("org.junit.jupiter.api.Assertions.assertEquals", 4),
            ("com.fasterxml.jackson.databind", 5),
        ]
    );
}

#[test]
fn issue_7_long_chains_and_deep_nesting_are_read_in_one_walk() {
    // 20,000 links: a tree 20,000 levels deep. Reading it asked tree-sitter for each node's
    // parent, which walks down from the root every time (18 s in a release build); the walk
    // now carries the ancestors, and clippy forbids the parent lookups (`clippy.toml`).
    let links = 20_000;
    let source = format!("import os\nz = os.{}b\n", "a.".repeat(links));
    let found = read(Language::Python, &source);
    assert_eq!(found.members.len(), 1);
    assert_eq!(found.members[0].path.len(), links + 1);
    assert_eq!(found.members[0].line, 2);

    let depth = 20_000;
    let source = format!(
        "const fs = require(\"fs\");\nf({}fs.readFileAsync(x){});\n",
        "f(".repeat(depth),
        ")".repeat(depth)
    );
    let found = read(Language::JavaScript, &source);
    assert_eq!(modules(&found), [("fs", 1)]);
    assert_eq!(members(&found), [("fs:readFileAsync".to_owned(), 2)]);

    let source = format!(
        "try:\n    x = {}1{}\n    import yaml\nexcept ImportError:\n    pass\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let found = read(Language::Python, &source);
    assert_eq!(modules(&found), [("yaml", 3)]);
    assert!(found.modules[0].optional);
}

/// `may_import` lets a file no rule needs go unparsed: it must never say "no" about a file
/// that imports something. Checked on every source file of the repository's rules and
/// examples, each also with its import words taken out.
#[test]
fn issue_8_a_file_may_import_nothing_only_when_it_imports_nothing() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut checked = 0;
    let mut stack = vec![root.join("rules"), root.join("examples")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Some(language) = Language::from_path(&path) else {
                continue;
            };
            let text = std::fs::read_to_string(&path).unwrap();
            let stripped = text
                .replace("import", "imp0rt")
                .replace("require", "requ1re")
                .replace("from", "fr0m");
            for source in [text.as_str(), stripped.as_str()] {
                let found = read(language, source);
                if !agate_lang::may_import(language, source) {
                    assert!(
                        found.modules.is_empty() && found.members.is_empty(),
                        "{}: {found:?}",
                        path.display()
                    );
                }
                checked += 1;
            }
            assert!(
                read(language, &text).modules.is_empty() || agate_lang::may_import(language, &text)
            );
        }
    }
    assert!(checked > 100, "{checked} files");
}
