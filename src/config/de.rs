//! Deserialization helpers shared by the sections: null as the default, strings checked by a
//! validator (reported at the value by [`super::yaml::load_strict`]), lists parsed item by
//! item, path globs, and errors keyed by a dotted path.

use std::fmt;

use serde::de::{self, Deserializer};
use serde::Deserialize;

use super::glob::compile_exclude;
use super::{ConfigError, Invalid};

/// A list of strings, each turned into a `T` by `parse` (errors at the item).
pub fn deserialize_checked_list<'de, D: Deserializer<'de>, T>(
    d: D,
    expecting: &'static str,
    parse: fn(&str) -> Result<T, Invalid>,
) -> Result<Vec<T>, D::Error> {
    struct Items<T> {
        expecting: &'static str,
        parse: fn(&str) -> Result<T, Invalid>,
    }
    impl<'de, T> de::Visitor<'de> for Items<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of strings")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = seq.next_element_seed(Parsed {
                expecting: self.expecting,
                parse: self.parse,
            })? {
                out.push(v);
            }
            Ok(out)
        }
    }
    d.deserialize_any(Items { expecting, parse })
}

/// One string turned into a `T` by `parse`; anything else (a number, a list) is a type error.
pub struct Parsed<T> {
    pub expecting: &'static str,
    pub parse: fn(&str) -> Result<T, Invalid>,
}

impl<'de, T> de::DeserializeSeed<'de> for Parsed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
}

impl<T> de::Visitor<'_> for Parsed<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.parse)(v).map_err(E::custom)
    }
}

/// A value that must be a mapping, read as `T`: `key:` alone (a null) or a scalar is a type
/// error showing `expecting`, as in the JSON Schema (`deps.teams.<name>`, `lint.rules.<id>`).
pub struct Mapping<T> {
    pub expecting: &'static str,
    pub of: std::marker::PhantomData<fn() -> T>,
}

impl<T> Mapping<T> {
    pub const fn new(expecting: &'static str) -> Self {
        Mapping {
            expecting,
            of: std::marker::PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>> de::DeserializeSeed<'de> for Mapping<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: Deserialize<'de>> de::Visitor<'de> for Mapping<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map))
    }
}

// Deserialization helpers

pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// One `lint.exclude`-style entry: must be a YAML string and a valid path glob; holds the
/// pattern and the globs it compiled to ([`compile_exclude`]).
pub struct GlobPattern(String, Vec<globset::Glob>);

impl GlobPattern {
    /// The pattern as written and its compiled globs.
    pub fn into_parts(self) -> (String, Vec<globset::Glob>) {
        (self.0, self.1)
    }
}

impl<'de> Deserialize<'de> for GlobPattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = GlobPattern;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a glob string (quote it if it starts with `*`)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<GlobPattern, E> {
                let globs = compile_exclude(v).map_err(E::custom)?;
                Ok(GlobPattern(v.to_string(), globs))
            }
        }
        // `deserialize_any` so that `1` or `true` are type errors, as in the JSON Schema.
        deserializer.deserialize_any(Visitor)
    }
}

pub fn deserialize_globs<'de, D>(deserializer: D) -> Result<Vec<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(Option::<Vec<GlobPattern>>::deserialize(deserializer)?
        .unwrap_or_default()
        .into_iter()
        .map(|g| g.0)
        .collect())
}

/// A string that passes `check`; anything else (a number, a list) is a type error.
pub struct CheckedString {
    pub expecting: &'static str,
    pub check: fn(&str) -> Result<(), Invalid>,
}

impl de::Visitor<'_> for CheckedString {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        (self.check)(v).map_err(E::custom)?;
        Ok(v.to_string())
    }
}

pub fn keyed_error(key: String, message: impl fmt::Display) -> ConfigError {
    ConfigError {
        origin: String::new(),
        line: None,
        column: None,
        message: format!("`{key}`: {message}"),
        key: Some(key),
    }
}
