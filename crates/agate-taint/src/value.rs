//! What the analysis knows of a value: which rules' sources reach it (and, inside a function
//! being summarised, which of its parameters), its constant when known, and the slots of a
//! list or map whose entries are tracked one by one.

use std::collections::HashMap;
use std::rc::Rc;

use crate::marks::{RuleBits, Span};

/// Where a value's data comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Taint {
    /// The rules whose sources reach it.
    pub(crate) rules: RuleBits,
    /// The parameters of the function being summarised that reach it (bit i: parameter i;
    /// the last bit stands for every parameter from [`LAST_PARAM`] on).
    pub(crate) params: u32,
    /// The rules for which the parameters' data still matters: a sanitizer on the way removes
    /// its rules (`html.escape(param)` is clean for XSS, not for SQL).
    pub(crate) param_rules: RuleBits,
    /// The rules (with `untrusted-parameters`) for which it holds a parameter of a function
    /// no code in the file calls: untrusted once built into a string ([`Taint::built`]).
    pub(crate) entry: RuleBits,
}

impl Taint {
    /// The data of parameter `index` of the function being summarised; parameters from
    /// [`LAST_PARAM`] on share its bit.
    pub(crate) fn param(index: usize) -> Taint {
        Taint {
            params: 1u32 << index.min(LAST_PARAM),
            param_rules: RuleBits::MAX,
            ..Taint::default()
        }
    }

    /// The data once built into a string (concatenated, formatted, interpolated): an entry
    /// point's parameter is untrusted from here on.
    pub(crate) fn built(self) -> Taint {
        Taint {
            rules: self.rules | self.entry,
            ..self
        }
    }

    pub(crate) fn is_clean(self) -> bool {
        self.rules == 0 && self.params == 0 && self.entry == 0
    }

    pub(crate) fn union(self, other: Taint) -> Taint {
        Taint {
            rules: self.rules | other.rules,
            params: self.params | other.params,
            param_rules: self.param_rules | other.param_rules,
            entry: self.entry | other.entry,
        }
    }

    /// Without `rules`.
    pub(crate) fn without(self, rules: RuleBits) -> Taint {
        let param_rules = self.param_rules & !rules;
        Taint {
            rules: self.rules & !rules,
            params: if param_rules == 0 { 0 } else { self.params },
            param_rules: if param_rules == 0 { 0 } else { param_rules },
            entry: self.entry & !rules,
        }
    }
}

/// The bit of the parameters from this index on.
pub(crate) const LAST_PARAM: usize = 31;

/// A constant the analysis can compute with (branch conditions, container keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Const {
    Str(Rc<str>),
    Int(i64),
    Bool(bool),
    Null,
}

/// The entries of a list or map built and read with constant indexes and keys.
#[derive(Debug, Clone)]
pub(crate) enum Slots {
    List(Vec<Value>),
    Map(Vec<(Const, Value)>),
}

/// A value.
#[derive(Debug, Clone, Default)]
pub(crate) struct Value {
    /// For a container: what entries with unknown keys or indexes hold.
    pub(crate) taint: Taint,
    /// The first source that reached it, for the message.
    pub(crate) origin: Option<Span>,
    pub(crate) constant: Option<Const>,
    pub(crate) slots: Option<Rc<Slots>>,
    /// The rules for which it is a normalised path.
    pub(crate) normalized: RuleBits,
    /// How many entries it tracks, nested ones included (0: none).
    size: u32,
}

/// A value tracks at most this many entries, nested ones included; beyond, the container is
/// one value with all their data. `a = [a, a, …]` repeated must not build a tree of
/// width^depth leaves, and a literal of 100,000 keys is not worth tracking key by key.
pub(crate) const MAX_ENTRIES: u32 = 64;

impl Value {
    pub(crate) fn constant(constant: Const) -> Value {
        Value {
            constant: Some(constant),
            ..Value::default()
        }
    }

    pub(crate) fn tainted(taint: Taint, origin: Option<Span>) -> Value {
        Value {
            taint,
            origin,
            ..Value::default()
        }
    }

    /// Gives the value tracked entries; more than [`MAX_ENTRIES`] in all, their data is
    /// merged into it instead.
    pub(crate) fn set_slots(&mut self, slots: Slots) {
        let size = match &slots {
            Slots::List(items) => items.iter().fold(0u32, |size, item| {
                size.saturating_add(item.size.saturating_add(1))
            }),
            Slots::Map(entries) => entries.iter().fold(0u32, |size, (_, item)| {
                size.saturating_add(item.size.saturating_add(1))
            }),
        };
        if size > MAX_ENTRIES {
            let merged = Value {
                slots: Some(Rc::new(slots)),
                ..Value::default()
            };
            self.absorb(&merged);
            self.slots = None;
            self.size = 0;
        } else {
            self.slots = Some(Rc::new(slots));
            self.size = size;
        }
    }

    /// A value whose entries are `slots`.
    pub(crate) fn container(slots: Slots) -> Value {
        let mut value = Value::default();
        value.set_slots(slots);
        value
    }

    /// Everything that reaches the value, its entries included.
    pub(crate) fn total(&self) -> Taint {
        let mut taint = self.taint;
        if let Some(slots) = &self.slots {
            match slots.as_ref() {
                Slots::List(items) => {
                    for item in items {
                        taint = taint.union(item.total());
                    }
                }
                Slots::Map(entries) => {
                    for (_, item) in entries {
                        taint = taint.union(item.total());
                    }
                }
            }
        }
        taint
    }

    /// The first source that reaches the value or one of its entries.
    pub(crate) fn any_origin(&self) -> Option<Span> {
        self.origin.or_else(|| match self.slots.as_deref()? {
            Slots::List(items) => items.iter().find_map(Value::any_origin),
            Slots::Map(entries) => entries.iter().find_map(|(_, item)| item.any_origin()),
        })
    }

    /// The value as one opaque thing: its entries' data merged in.
    pub(crate) fn flattened(&self) -> Value {
        Value::tainted(self.total(), self.any_origin())
    }

    /// Adds what reaches `other` to this value (a weak update: the old data stays).
    pub(crate) fn absorb(&mut self, other: &Value) {
        self.taint = self.taint.union(other.total());
        self.origin = self.origin.or_else(|| other.any_origin());
        self.constant = None;
        self.normalized = 0;
    }

    /// What this value or `other` may be.
    pub(crate) fn join(&self, other: &Value) -> Value {
        let slots = match (self.slots.as_deref(), other.slots.as_deref()) {
            (Some(Slots::List(a)), Some(Slots::List(b))) if a.len() == b.len() => Some(Rc::new(
                Slots::List(a.iter().zip(b).map(|(a, b)| a.join(b)).collect()),
            )),
            (Some(Slots::Map(a)), Some(Slots::Map(b))) => {
                let mut joined: Vec<(Const, Value)> = Vec::with_capacity(a.len().max(b.len()));
                for (key, item) in a {
                    let theirs = b.iter().find(|(other, _)| other == key).map_or_else(
                        || Value::tainted(other.taint, other.origin),
                        |(_, item)| item.clone(),
                    );
                    joined.push((key.clone(), item.join(&theirs)));
                }
                for (key, item) in b {
                    if !a.iter().any(|(other, _)| other == key) {
                        joined.push((
                            key.clone(),
                            item.join(&Value::tainted(self.taint, self.origin)),
                        ));
                    }
                }
                Some(Rc::new(Slots::Map(joined)))
            }
            (None, None) => None,
            _ => {
                let mut merged = self.flattened();
                merged.absorb(other);
                return merged;
            }
        };
        let mut joined = Value {
            taint: self.taint.union(other.taint),
            origin: self.origin.or(other.origin),
            constant: if self.constant == other.constant {
                self.constant.clone()
            } else {
                None
            },
            slots: None,
            normalized: self.normalized & other.normalized,
            size: 0,
        };
        if let Some(slots) = slots {
            joined.set_slots(Rc::unwrap_or_clone(slots));
        }
        joined
    }

    /// The value with `rules` no longer reaching it, entries included.
    pub(crate) fn cleaned(&self, rules: RuleBits) -> Value {
        let taint = self.total().without(rules);
        Value {
            taint,
            origin: if taint.is_clean() {
                None
            } else {
                self.any_origin()
            },
            constant: self.constant.clone(),
            slots: None,
            normalized: self.normalized,
            size: 0,
        }
    }

    /// Whether the value is known to be true or false when tested (`None`: unknown).
    pub(crate) fn truthiness(&self, strict_booleans: bool) -> Option<bool> {
        match self.constant.as_ref()? {
            Const::Bool(value) => Some(*value),
            _ if strict_booleans => None,
            Const::Int(value) => Some(*value != 0),
            Const::Str(value) => Some(!value.is_empty()),
            Const::Null => Some(false),
        }
    }
}

/// The variables of the code being analysed: local names, and `this.field` for fields.
#[derive(Debug, Clone, Default)]
pub(crate) struct Env {
    vars: HashMap<Rc<str>, Value>,
}

impl Env {
    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        self.vars.get(name)
    }

    pub(crate) fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.vars.get_mut(name)
    }

    pub(crate) fn set(&mut self, name: &str, value: Value) {
        match self.vars.get_mut(name) {
            Some(slot) => *slot = value,
            None => {
                self.vars.insert(Rc::from(name), value);
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.vars.len()
    }

    /// What the variables may hold after either `self` or `other` ran.
    pub(crate) fn join(&self, other: &Env) -> Env {
        let mut vars = self.vars.clone();
        for (name, theirs) in &other.vars {
            match vars.get_mut(name) {
                Some(ours) => *ours = ours.join(theirs),
                None => {
                    vars.insert(name.clone(), theirs.clone());
                }
            }
        }
        Env { vars }
    }
}
