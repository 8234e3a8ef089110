//! The TOML document as a tree that keeps every key's and value's byte span, so errors can
//! name the line of the exact key (a key name can repeat in several tables).

use std::ops::Range;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub span: Range<usize>,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub(crate) struct Key {
    pub name: String,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub(crate) enum Value {
    String(String),
    Integer(i64),
    Float,
    Bool(bool),
    /// Datetimes (and anything else serde hands over) are never valid in sqlgate.toml.
    Other,
    Array(Vec<Node>),
    /// Entries in document order.
    Table(Vec<(Key, Node)>),
}

impl Value {
    /// How a value's type is named in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float => "a float",
            Value::Bool(_) => "a boolean",
            Value::Other => "a date-time",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct(SPANNED_NAME, SPANNED_FIELDS, NodeVisitor)
    }
}

/// A value that is either wrapped in serde_spanned's protocol (toml knows its span) or plain
/// (implicit tables of dotted headers): the span of a plain one is filled in from its children.
struct NodeVisitor;

impl NodeVisitor {
    fn plain(value: Value) -> Node {
        let span = match &value {
            Value::Table(entries) => entries.first().map(|(k, _)| k.span.clone()),
            Value::Array(items) => items.first().map(|n| n.span.clone()),
            _ => None,
        };
        Node {
            span: span.unwrap_or(0..0),
            value,
        }
    }
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a TOML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(NodeVisitor::plain(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(NodeVisitor::plain(Value::Integer(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(NodeVisitor::plain(
            i64::try_from(v).map_or(Value::Other, Value::Integer),
        ))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
        Ok(NodeVisitor::plain(Value::Float))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(NodeVisitor::plain(Value::String(v.to_string())))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Node, A::Error> {
        ValueVisitor.visit_seq(seq).map(NodeVisitor::plain)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let Some(first) = map.next_key::<SpannedKey>()? else {
            return Ok(NodeVisitor::plain(Value::Table(Vec::new())));
        };
        if first.0 == DATETIME_FIELD {
            let _ = map.next_value::<String>()?;
            return Ok(NodeVisitor::plain(Value::Other));
        }
        if first.0 != SPANNED_FIELDS[0] {
            return table(map, Some(first)).map(NodeVisitor::plain);
        }
        let start = map.next_value::<usize>()?;
        let (mut end, mut value) = (start, None);
        while let Some(SpannedKey(field, _)) = map.next_key::<SpannedKey>()? {
            if field == SPANNED_FIELDS[1] {
                end = map.next_value::<usize>()?;
            } else {
                value = Some(map.next_value::<Value>()?);
            }
        }
        let value = value.ok_or_else(|| serde::de::Error::missing_field("value"))?;
        Ok(Node {
            span: start..end,
            value,
        })
    }
}

/// The entries of a table, the first key possibly already read.
fn table<'de, A: MapAccess<'de>>(mut map: A, first: Option<SpannedKey>) -> Result<Value, A::Error> {
    let mut entries = Vec::new();
    let mut next = first;
    if next.is_none() {
        next = map.next_key::<SpannedKey>()?;
    }
    if next.as_ref().is_some_and(|k| k.0 == DATETIME_FIELD) {
        let _ = map.next_value::<String>()?;
        return Ok(Value::Other);
    }
    while let Some(SpannedKey(name, span)) = next {
        let node = map.next_value::<Node>()?;
        let span = span.unwrap_or_else(|| node.span.clone());
        entries.push((Key { name, span }, node));
        next = map.next_key::<SpannedKey>()?;
    }
    Ok(Value::Table(entries))
}

/// A table key with its span when the deserializer knows it (toml does not for some keys of
/// dotted headers such as `[[rules.overrides]]`: the caller then uses the value's span).
struct SpannedKey(String, Option<Range<usize>>);

// serde_spanned's protocol (toml::Spanned), spoken directly so that a key without a span is
// still accepted.
const SPANNED_NAME: &str = "$__serde_spanned_private_Spanned";
const SPANNED_FIELDS: &[&str] = &[
    "$__serde_spanned_private_start",
    "$__serde_spanned_private_end",
    "$__serde_spanned_private_value",
];

/// toml hands a date-time over as a one-entry map with this key.
const DATETIME_FIELD: &str = "$__toml_private_datetime";

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = SpannedKey;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, v: &str) -> Result<SpannedKey, E> {
        Ok(SpannedKey(v.to_string(), None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SpannedKey, A::Error> {
        let (mut start, mut end, mut name) = (None, None, None);
        while let Some(field) = map.next_key::<String>()? {
            match SPANNED_FIELDS.iter().position(|f| *f == field) {
                Some(0) => start = Some(map.next_value::<usize>()?),
                Some(1) => end = Some(map.next_value::<usize>()?),
                _ => name = Some(map.next_value::<String>()?),
            }
        }
        let name = name.ok_or_else(|| serde::de::Error::missing_field("value"))?;
        Ok(SpannedKey(name, start.zip(end).map(|(s, e)| s..e)))
    }
}

impl<'de> Deserialize<'de> for SpannedKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct(SPANNED_NAME, SPANNED_FIELDS, KeyVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Integer(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Other, Value::Integer))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Value, E> {
        Ok(Value::Float)
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        table(map, None)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_repeated_keys() {
        let text = "[a]\nx = 1\n[b]\ny = 2\nx = [\"s\"]\n";
        let Ok(Value::Table(top)) = toml::from_str::<Value>(text) else {
            panic!("a table")
        };
        let (_, b) = &top[1];
        let Value::Table(entries) = &b.value else {
            panic!("b is a table")
        };
        let (key, node) = &entries[1];
        assert_eq!(key.name, "x");
        assert_eq!(line_of(text, key.span.start), 5);
        assert!(matches!(&node.value, Value::Array(items) if items.len() == 1));
    }
}
