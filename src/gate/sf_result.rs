//! Lenient reading of what teams already have from the Salesforce CLI and the Metadata API:
//!
//! - `sf project deploy start|validate|report|quick|resume --json`: the `{status, result}`
//!   envelope or the bare result, and the error envelope of a failed validate
//!   (`{"name": "FailedValidationError", "message": …, "data": {"deployId": …}}`);
//! - `sf apex run test --json` (and the older `sfdx force:apex:test:run`): `summary`, `tests`,
//!   `coverage` (an object with `coverage` / `summary`, or a bare array);
//! - a Metadata API `DeployResult`, as JSON or as the SOAP XML of `checkDeployStatus`.
//!
//! Real CLI output disagrees with its own schemas — numbers as strings and strings as numbers,
//! one object where an array is declared, extra keys — so every field here accepts any JSON
//! type: a value of an unusable type is treated as absent, never as an error. Only malformed
//! JSON or XML, or a document that is none of the above, is an error (with its line).

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::marker::PhantomData;

/// Which kind of document was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A deployment or validation result (`sf project deploy …`, Metadata API).
    Deploy,
    /// The error envelope of a failed `sf project deploy validate|start`: a message, no details.
    DeployError,
    /// `sf apex run test`.
    TestRun,
}

/// One Apex test method's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct TestMethod {
    /// `ns.Class` or `Class`.
    pub class: String,
    pub method: String,
    pub outcome: Outcome,
    pub message: Option<String>,
    pub stack_trace: Option<String>,
    pub time_ms: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    Skip,
}

/// Coverage of one Apex class or trigger.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClassCoverage {
    pub name: String,
    /// `Class` or `Trigger` when known.
    pub kind: Option<String>,
    /// Executable lines (locations).
    pub total: u64,
    pub covered: u64,
    /// Uncovered line numbers (a deploy result carries only these).
    pub uncovered_lines: Vec<u32>,
    /// Every executable line with its hit count (`sf apex run test --code-coverage`).
    pub line_hits: Option<Vec<(u32, u32)>>,
}

impl ClassCoverage {
    /// Percent covered; `None` for a class without executable lines.
    pub fn percent(&self) -> Option<f64> {
        (self.total > 0).then(|| self.covered as f64 * 100.0 / self.total as f64)
    }
}

/// A component the deployment could not deploy (or warned about).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ComponentFailure {
    pub component_type: Option<String>,
    pub full_name: String,
    /// As the org reports it (`classes/Foo.cls`), or a local path from `files`.
    pub file_name: Option<String>,
    pub problem: String,
    /// `Error` unless the org says `Warning`.
    pub warning: bool,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

/// Flow coverage of one flow version.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlowCoverage {
    pub name: String,
    pub elements: u64,
    pub not_covered: u64,
}

/// Everything the gate needs, whatever the input looked like.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub kind: Kind,
    /// `sf project deploy`, `Metadata API deploy result (XML)`, `sf apex run test`, …
    pub source: &'static str,
    /// Deploy status (`Succeeded`, `Failed`, …) or test-run outcome (`Passed`, `Failed`).
    pub status: Option<String>,
    pub success: Option<bool>,
    pub check_only: Option<bool>,
    pub id: Option<String>,
    /// The CLI's or the org's error message (error envelope, `errorMessage`).
    pub error_message: Option<String>,
    pub component_failures: Vec<ComponentFailure>,
    pub components_total: Option<u64>,
    /// Local paths the CLI reported per component: (type, fullName, filePath).
    pub files: Vec<(String, String, String)>,
    pub tests: Vec<TestMethod>,
    /// What the input says about the tests, for a consistency note.
    pub tests_declared: Option<u64>,
    pub coverage: Vec<ClassCoverage>,
    /// Org-wide coverage stated by the input (percent).
    pub org_wide_coverage: Option<f64>,
    pub coverage_warnings: Vec<String>,
    pub flow_coverage: Vec<FlowCoverage>,
    pub flow_coverage_warnings: Vec<String>,
    /// Whether `coverage` has full line hits (test run) or only uncovered lines (deploy).
    pub full_line_hits: bool,
}

impl Parsed {
    fn new(kind: Kind, source: &'static str) -> Self {
        Parsed {
            kind,
            source,
            status: None,
            success: None,
            check_only: None,
            id: None,
            error_message: None,
            component_failures: Vec::new(),
            components_total: None,
            files: Vec::new(),
            tests: Vec::new(),
            tests_declared: None,
            coverage: Vec::new(),
            org_wide_coverage: None,
            coverage_warnings: Vec::new(),
            flow_coverage: Vec::new(),
            flow_coverage_warnings: Vec::new(),
            full_line_hits: false,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lenient value types

/// Any scalar as text; objects and arrays count as absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text(pub Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(Some(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Text, D::Error> {
                Text::deserialize(d)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Text, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Text, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
        }
        d.deserialize_any(V)
    }
}

impl Text {
    fn get(&self) -> Option<&str> {
        self.0.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    fn owned(&self) -> Option<String> {
        self.get().map(str::to_string)
    }
    /// A number, from a JSON number or a string such as `"12"`, `"12.5"`, `"85%"`, `"34 ms"`.
    fn num(&self) -> Option<f64> {
        let s = self.get()?;
        let s = s
            .trim_end_matches('%')
            .trim_end_matches("ms")
            .trim()
            .replace(',', "");
        s.parse::<f64>().ok().filter(|v| v.is_finite())
    }
    fn uint(&self) -> Option<u64> {
        self.num().filter(|v| *v >= 0.0).map(|v| v as u64)
    }
    fn line(&self) -> Option<u32> {
        self.num()
            .filter(|v| *v >= 1.0 && *v <= u32::MAX as f64)
            .map(|v| v as u32)
    }
    fn flag(&self) -> Option<bool> {
        match self.get()?.to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        }
    }
}

/// A mapping deserialized as `T`; any other JSON type counts as absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Obj<T>(pub Option<T>);

impl<T> Default for Obj<T> {
    fn default() -> Self {
        Obj(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Obj<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(m)).map(|t| Obj(Some(t)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Obj<T>, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Obj(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Obj<T>, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_none<E: de::Error>(self) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// An array of `T`, or one `T` where an array was expected; elements that are not mappings
/// are skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct Many<T>(pub Vec<T>);

impl<T> Default for Many<T> {
    fn default() -> Self {
        Many(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Many<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Many<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array or an object")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Many<T>, A::Error> {
                let mut out = Vec::with_capacity(s.size_hint().unwrap_or(0).min(1 << 16));
                while let Some(Obj(item)) = s.next_element::<Obj<T>>()? {
                    out.extend(item);
                }
                Ok(Many(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Many<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(m)).map(|t| Many(vec![t]))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Many<T>, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_none<E: de::Error>(self) -> Result<Many<T>, E> {
                Ok(Many(Vec::new()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Many<T>, E> {
                Ok(Many(Vec::new()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Many<T>, E> {
                Ok(Many(Vec::new()))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Many<T>, E> {
                Ok(Many(Vec::new()))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Many<T>, E> {
                Ok(Many(Vec::new()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Many<T>, E> {
                Ok(Many(Vec::new()))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Many<T>, E> {
                Ok(Many(Vec::new()))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// `{"2": 1, "4": 0}` (line → hits), or an array of `{line, hits}` pairs.
#[derive(Debug, Clone, Default, PartialEq)]
struct Lines(Option<Vec<(u32, u32)>>);

impl<'de> Deserialize<'de> for Lines {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Lines;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping from line to hits")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Lines, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<Text, Text>()? {
                    if let Some(line) = k.line() {
                        out.push((line, v.uint().unwrap_or(0).min(u32::MAX as u64) as u32));
                    }
                }
                out.sort_unstable();
                Ok(Lines(Some(out)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Lines, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Lines(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Lines, E> {
                Ok(Lines(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Lines, E> {
                Ok(Lines(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Lines, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Lines, E> {
                Ok(Lines(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Lines, E> {
                Ok(Lines(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Lines, E> {
                Ok(Lines(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Lines, E> {
                Ok(Lines(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Lines, E> {
                Ok(Lines(None))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------------
// The raw shapes (every field optional and lenient)

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Doc {
    status: Text,
    result: Obj<Box<Doc>>,
    data: Obj<Box<Doc>>,
    // error envelope
    name: Text,
    message: Text,
    command_name: Text,
    // deploy result
    id: Text,
    deploy_id: Text,
    success: Text,
    check_only: Text,
    done: Text,
    details: Obj<Details>,
    files: Many<FileResponse>,
    number_components_total: Text,
    number_component_errors: Text,
    number_tests_total: Text,
    error_message: Text,
    error_status_code: Text,
    state_detail: Text,
    // apex run test
    summary: Obj<ApexSummary>,
    tests: Many<ApexTest>,
    coverage: ApexCoverageField,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Details {
    component_failures: Many<DeployMessage>,
    component_successes: Many<IgnoredMap>,
    run_test_result: Obj<RunTestResult>,
}

#[derive(Deserialize, Default)]
struct IgnoredMap {}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct DeployMessage {
    component_type: Text,
    full_name: Text,
    file_name: Text,
    problem: Text,
    problem_type: Text,
    line_number: Text,
    column_number: Text,
    success: Text,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct FileResponse {
    state: Text,
    full_name: Text,
    #[serde(rename = "type")]
    kind: Text,
    file_path: Text,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RunTestResult {
    num_tests_run: Text,
    num_failures: Text,
    successes: Many<TestEntry>,
    failures: Many<TestEntry>,
    code_coverage: Many<CodeCoverage>,
    code_coverage_warnings: Many<Warning>,
    flow_coverage: Many<FlowCov>,
    flow_coverage_warnings: Many<Warning>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct TestEntry {
    name: Text,
    method_name: Text,
    namespace: Text,
    message: Text,
    stack_trace: Text,
    time: Text,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct CodeCoverage {
    name: Text,
    namespace: Text,
    #[serde(rename = "type")]
    kind: Text,
    num_locations: Text,
    num_locations_not_covered: Text,
    locations_not_covered: Many<Location>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Location {
    line: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Warning {
    name: Text,
    message: Text,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct FlowCov {
    flow_name: Text,
    flow_id: Text,
    num_elements: Text,
    num_elements_not_covered: Text,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ApexSummary {
    outcome: Text,
    tests_ran: Text,
    org_wide_coverage: Text,
    test_run_id: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ApexTest {
    #[serde(rename = "MethodName")]
    method_name: Text,
    #[serde(rename = "Outcome")]
    outcome: Text,
    #[serde(rename = "Message")]
    message: Text,
    #[serde(rename = "StackTrace")]
    stack_trace: Text,
    #[serde(rename = "RunTime")]
    run_time: Text,
    #[serde(rename = "ApexClass")]
    apex_class: Obj<ApexClassRef>,
    #[serde(rename = "FullName")]
    full_name: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ApexClassRef {
    #[serde(rename = "Name")]
    name: Text,
    #[serde(rename = "NamespacePrefix")]
    namespace_prefix: Text,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ApexClassCov {
    name: Text,
    total_lines: Text,
    total_covered: Text,
    lines: Lines,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ApexCoverageObj {
    coverage: Many<ApexClassCov>,
    summary: Obj<ApexCoverageSummary>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ApexCoverageSummary {
    org_wide_coverage: Text,
}

/// `coverage` of `sf apex run test`: `{coverage: [...], summary}` or a bare array.
#[derive(Default)]
struct ApexCoverageField(Option<ApexCoverageObj>);

impl<'de> Deserialize<'de> for ApexCoverageField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ApexCoverageField;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("coverage")
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Self::Value, A::Error> {
                ApexCoverageObj::deserialize(de::value::MapAccessDeserializer::new(m))
                    .map(|o| ApexCoverageField(Some(o)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, s: A) -> Result<Self::Value, A::Error> {
                Many::<ApexClassCov>::deserialize(de::value::SeqAccessDeserializer::new(s)).map(
                    |m| {
                        ApexCoverageField(Some(ApexCoverageObj {
                            coverage: m,
                            summary: Obj(None),
                        }))
                    },
                )
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(ApexCoverageField(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(ApexCoverageField(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(ApexCoverageField(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(ApexCoverageField(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(ApexCoverageField(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(ApexCoverageField(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(ApexCoverageField(None))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Reads a document. `origin` names the input in errors (`deploy.json`, `stdin`).
pub fn parse(bytes: &[u8], origin: &str) -> Result<Parsed, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .ok_or_else(|| format!("{origin}: the input is empty; expected the JSON of `sf project deploy … --json` or `sf apex run test --json`"))?;
    let body = &bytes[start..];
    if body.first() == Some(&b'<') {
        return parse_xml(body, origin);
    }
    if body.first() != Some(&b'{') {
        return Err(format!(
            "{origin}: not JSON or XML (it starts with {:?}); expected the output of `sf project deploy … --json`, `sf apex run test --json` or a Metadata API deploy result. \
             If the CLI printed warnings before the JSON, set SF_DISABLE_LOG_FILE / redirect stderr away from the file",
            String::from_utf8_lossy(&body[..body.len().min(20)])
        ));
    }
    let doc: Doc = serde_json::from_slice(bytes).map_err(|e| {
        format!(
            "{origin}:{}:{}: invalid JSON: {}",
            e.line(),
            e.column(),
            strip_position(&e.to_string())
        )
    })?;
    interpret(doc, "JSON", origin)
}

fn strip_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn is_deploy(d: &Doc) -> bool {
    d.details.0.is_some()
        || d.number_components_total.get().is_some()
        || (d.check_only.get().is_some() && d.status.get().is_some())
        || (d.done.get().is_some() && d.status.get().is_some())
        || d.files.0.iter().any(|f| f.state.get().is_some()) && d.status.get().is_some()
}

fn is_test_run(d: &Doc) -> bool {
    d.summary.0.is_some() && (!d.tests.0.is_empty() || d.coverage.0.is_some())
        || (!d.tests.0.is_empty() && d.tests.0.iter().any(|t| t.method_name.get().is_some()))
}

fn is_error_envelope(d: &Doc) -> bool {
    d.message.get().is_some()
        && (d.name.get().is_some() || d.command_name.get().is_some())
        && d.details.0.is_none()
}

fn interpret(doc: Doc, how: &'static str, origin: &str) -> Result<Parsed, String> {
    // The CLI envelope: {status: 0|1, result: {...}} — or an error envelope whose `data` or
    // `result` may carry the deploy result.
    let mut doc = doc;
    for _ in 0..3 {
        if is_deploy(&doc) || is_test_run(&doc) {
            break;
        }
        let inner = match (doc.result.0.take(), doc.data.0.take()) {
            (Some(r), _) if is_deploy(&r) || is_test_run(&r) => Some(r),
            (_, Some(d)) if is_deploy(&d) || is_test_run(&d) => Some(d),
            (r, d) => {
                if is_error_envelope(&doc) {
                    let mut p = Parsed::new(Kind::DeployError, "sf CLI error envelope");
                    p.status = Some("Failed".into());
                    p.success = Some(false);
                    p.error_message = doc.message.owned().map(|m| match doc.name.get() {
                        Some(n) => format!("{n}: {m}"),
                        None => m,
                    });
                    p.id = d
                        .as_ref()
                        .and_then(|d| d.deploy_id.owned().or_else(|| d.id.owned()))
                        .or_else(|| r.as_ref().and_then(|r| r.id.owned()));
                    if let Some(m) = doc.message.get() {
                        p.org_wide_coverage = org_wide_from_message(m);
                    }
                    return Ok(p);
                }
                let _ = (r, d);
                None
            }
        };
        match inner {
            Some(i) => doc = *i,
            None => break,
        }
    }
    if is_deploy(&doc) {
        return Ok(from_deploy(doc, how));
    }
    if is_test_run(&doc) {
        return Ok(from_test_run(doc));
    }
    Err(format!(
        "{origin}: not a deploy or test result: expected the {how} of `sf project deploy start|validate|report --json` \
         (with `result.details`), `sf apex run test --json` (with `summary` and `tests`) or a Metadata API DeployResult"
    ))
}

/// "Average test coverage across all Apex Classes and Triggers is 52%, at least 75% …" → 52.
fn org_wide_from_message(m: &str) -> Option<f64> {
    let i = m.find("Average test coverage across all Apex Classes and Triggers is ")?;
    let rest = &m[i + "Average test coverage across all Apex Classes and Triggers is ".len()..];
    let num: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    num.parse().ok()
}

fn qualified(ns: &Text, name: &str) -> String {
    match ns.get() {
        Some(ns) if !name.contains('.') => format!("{ns}.{name}"),
        _ => name.to_string(),
    }
}

fn from_deploy(doc: Doc, how: &'static str) -> Parsed {
    let source = if how == "XML" {
        "Metadata API deploy result (XML)"
    } else {
        "deploy result"
    };
    let mut p = Parsed::new(Kind::Deploy, source);
    p.status = doc.status.owned();
    p.success = doc.success.flag();
    p.check_only = doc.check_only.flag();
    p.id = doc.id.owned().or_else(|| doc.deploy_id.owned());
    p.error_message = doc
        .error_message
        .owned()
        .map(|m| match doc.error_status_code.get() {
            Some(code) => format!("{code}: {m}"),
            None => m,
        })
        .or_else(|| {
            doc.state_detail
                .owned()
                .filter(|_| doc.status.get() != Some("Succeeded"))
        });
    p.components_total = doc.number_components_total.uint();
    p.tests_declared = doc.number_tests_total.uint();
    for f in doc.files.0 {
        if let (Some(path), Some(name)) = (f.file_path.owned(), f.full_name.owned()) {
            p.files
                .push((f.kind.owned().unwrap_or_default(), name, path));
        }
    }
    let details = doc.details.0.unwrap_or_default();
    for m in details.component_failures.0 {
        if m.success.flag() == Some(true) {
            continue;
        }
        p.component_failures.push(ComponentFailure {
            component_type: m.component_type.owned(),
            full_name: m.full_name.owned().unwrap_or_default(),
            file_name: m.file_name.owned(),
            problem: m.problem.owned().unwrap_or_else(|| "(no message)".into()),
            warning: m
                .problem_type
                .get()
                .is_some_and(|t| t.eq_ignore_ascii_case("warning")),
            line: m.line_number.line(),
            column: m.column_number.line(),
        });
    }
    let _ = details.component_successes;
    if let Some(rt) = details.run_test_result.0 {
        p.tests_declared = rt.num_tests_run.uint().or(p.tests_declared);
        p.tests.reserve(rt.successes.0.len() + rt.failures.0.len());
        for (entries, outcome) in [
            (rt.failures.0, Outcome::Fail),
            (rt.successes.0, Outcome::Pass),
        ] {
            for t in entries {
                let class = qualified(&t.namespace, t.name.get().unwrap_or("(unknown class)"));
                p.tests.push(TestMethod {
                    class,
                    method: t.method_name.owned().unwrap_or_else(|| "(class)".into()),
                    outcome,
                    message: t.message.owned(),
                    stack_trace: t.stack_trace.owned(),
                    time_ms: t.time.num(),
                });
            }
        }
        p.coverage.reserve(rt.code_coverage.0.len());
        for c in rt.code_coverage.0 {
            let total = c.num_locations.uint().unwrap_or(0);
            let not_covered = c.num_locations_not_covered.uint().unwrap_or(0).min(total);
            let mut lines: Vec<u32> = c
                .locations_not_covered
                .0
                .iter()
                .filter_map(|l| l.line.line())
                .collect();
            lines.sort_unstable();
            lines.dedup();
            p.coverage.push(ClassCoverage {
                name: qualified(&c.namespace, c.name.get().unwrap_or("(unknown)")),
                kind: c.kind.owned(),
                total,
                covered: total - not_covered,
                uncovered_lines: lines,
                line_hits: None,
            });
        }
        for w in rt.code_coverage_warnings.0 {
            if let Some(m) = w.message.owned() {
                if p.org_wide_coverage.is_none() {
                    p.org_wide_coverage = org_wide_from_message(&m);
                }
                p.coverage_warnings.push(match w.name.get() {
                    Some(n) => format!("{n}: {m}"),
                    None => m,
                });
            }
        }
        for f in rt.flow_coverage.0 {
            p.flow_coverage.push(FlowCoverage {
                name: f
                    .flow_name
                    .owned()
                    .or_else(|| f.flow_id.owned())
                    .unwrap_or_default(),
                elements: f.num_elements.uint().unwrap_or(0),
                not_covered: f.num_elements_not_covered.uint().unwrap_or(0),
            });
        }
        for w in rt.flow_coverage_warnings.0 {
            if let Some(m) = w.message.owned() {
                p.flow_coverage_warnings.push(m);
            }
        }
    }
    p
}

fn from_test_run(doc: Doc) -> Parsed {
    let mut p = Parsed::new(Kind::TestRun, "sf apex run test");
    if let Some(s) = &doc.summary.0 {
        p.status = s.outcome.owned();
        p.id = s.test_run_id.owned();
        p.tests_declared = s.tests_ran.uint();
        p.org_wide_coverage = s.org_wide_coverage.num();
    }
    p.tests.reserve(doc.tests.0.len());
    for t in doc.tests.0 {
        let (class, method) = match (&t.apex_class.0, t.method_name.get()) {
            (Some(c), Some(m)) if c.name.get().is_some() => (
                qualified(&c.namespace_prefix, c.name.get().unwrap_or_default()),
                m.to_string(),
            ),
            _ => match t.full_name.get().and_then(|f| f.rsplit_once('.')) {
                Some((c, m)) => (c.to_string(), m.to_string()),
                None => (
                    "(unknown class)".to_string(),
                    t.method_name.owned().unwrap_or_else(|| "(unknown)".into()),
                ),
            },
        };
        let outcome = match t.outcome.get().map(str::to_ascii_lowercase).as_deref() {
            Some("pass") | Some("passed") => Outcome::Pass,
            Some("skip") | Some("skipped") => Outcome::Skip,
            _ => Outcome::Fail,
        };
        p.tests.push(TestMethod {
            class,
            method,
            outcome,
            message: t.message.owned(),
            stack_trace: t.stack_trace.owned(),
            time_ms: t.run_time.num(),
        });
    }
    if let Some(cov) = doc.coverage.0 {
        if p.org_wide_coverage.is_none() {
            p.org_wide_coverage = cov
                .summary
                .0
                .as_ref()
                .and_then(|s| s.org_wide_coverage.num());
        }
        p.full_line_hits = cov.coverage.0.iter().any(|c| c.lines.0.is_some());
        for c in cov.coverage.0 {
            let hits = c.lines.0;
            let (total, covered) = match &hits {
                Some(h) => (
                    h.len() as u64,
                    h.iter().filter(|(_, n)| *n > 0).count() as u64,
                ),
                None => {
                    let t = c.total_lines.uint().unwrap_or(0);
                    (t, c.total_covered.uint().unwrap_or(0).min(t))
                }
            };
            let uncovered = hits
                .as_ref()
                .map(|h| h.iter().filter(|(_, n)| *n == 0).map(|(l, _)| *l).collect())
                .unwrap_or_default();
            p.coverage.push(ClassCoverage {
                name: c.name.owned().unwrap_or_else(|| "(unknown)".into()),
                kind: None,
                total,
                covered,
                uncovered_lines: uncovered,
                line_hits: hits,
            });
        }
    }
    p
}

// ---------------------------------------------------------------------------------------------
// Metadata API XML

fn parse_xml(body: &[u8], origin: &str) -> Result<Parsed, String> {
    let text = std::str::from_utf8(body).map_err(|e| {
        format!(
            "{origin}: the XML is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        )
    })?;
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    let xml = roxmltree::Document::parse_with_options(text, opts).map_err(|e| {
        let p = e.pos();
        format!("{origin}:{}:{}: invalid XML: {e}", p.row, p.col)
    })?;
    let is_result = |n: &roxmltree::Node| {
        n.is_element()
            && matches!(
                n.tag_name().name(),
                "result" | "DeployResult" | "deployResult"
            )
            && n.children()
                .any(|c| c.is_element() && c.tag_name().name() == "status")
    };
    let node = xml
        .root()
        .descendants()
        .find(is_result)
        .or_else(|| {
            let r = xml.root_element();
            r.children()
                .any(|c| c.is_element() && c.tag_name().name() == "details")
                .then_some(r)
        })
        .ok_or_else(|| {
            format!(
                "{origin}: XML without a Metadata API deploy result (expected a `result` or `DeployResult` element with `status`, as `checkDeployStatus` returns)"
            )
        })?;
    let value = xml_to_json(node);
    let doc: Doc = serde_json::from_value(value)
        .map_err(|e| format!("{origin}: unreadable deploy result: {e}"))?;
    interpret(doc, "XML", origin)
}

/// An element as JSON: text for leaves (`xsi:nil` → null), an object for the rest, repeated
/// children as arrays.
fn xml_to_json(node: roxmltree::Node) -> serde_json::Value {
    let children: Vec<roxmltree::Node> = node.children().filter(|c| c.is_element()).collect();
    if children.is_empty() {
        let nil = node
            .attributes()
            .any(|a| a.name() == "nil" && a.value() == "true");
        return if nil {
            serde_json::Value::Null
        } else {
            serde_json::Value::String(node.text().unwrap_or("").to_string())
        };
    }
    let mut map = serde_json::Map::new();
    for c in children {
        let key = c.tag_name().name().to_string();
        let v = xml_to_json(c);
        match map.get_mut(&key) {
            Some(serde_json::Value::Array(a)) => a.push(v),
            Some(existing) => {
                let first = existing.take();
                *existing = serde_json::Value::Array(vec![first, v]);
            }
            None => {
                map.insert(key, v);
            }
        }
    }
    serde_json::Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_numbers_and_single_objects_are_all_read() {
        let json = br#"{"status":1,"result":{"status":"Failed","success":"false","checkOnly":true,
          "numberComponentsTotal":"3",
          "details":{"componentFailures":{"componentType":"ApexClass","fullName":"Foo",
             "fileName":"classes/Foo.cls","problem":"Invalid type: Bar","problemType":"Error",
             "lineNumber":"9","columnNumber":12,"success":false,"extra":{"x":1}},
           "runTestResult":{"numTestsRun":2,"numFailures":"1",
             "failures":{"name":"FooTest","methodName":"t1","message":"boom","stackTrace":"Class.FooTest.t1: line 4, column 1","time":"12.0","namespace":null},
             "successes":[{"name":"FooTest","methodName":"t2","time":3}, "junk"],
             "codeCoverage":{"name":"Foo","type":"Class","numLocations":"10","numLocationsNotCovered":2,
               "locationsNotCovered":[{"line":"3","column":"0","numExecutions":"0","time":"-1.0"},{"line":5}]},
             "codeCoverageWarnings":{"id":"x","message":"Average test coverage across all Apex Classes and Triggers is 52%, at least 75% test coverage is required.","namespace":null}}}}}"#;
        let p = parse(json, "d.json").unwrap();
        assert_eq!(p.kind, Kind::Deploy);
        assert_eq!(p.status.as_deref(), Some("Failed"));
        assert_eq!(p.success, Some(false));
        assert_eq!(p.component_failures.len(), 1);
        assert_eq!(p.component_failures[0].line, Some(9));
        assert_eq!(p.component_failures[0].column, Some(12));
        assert_eq!(p.tests.len(), 2);
        assert_eq!(p.tests[0].outcome, Outcome::Fail);
        assert_eq!(p.tests[0].time_ms, Some(12.0));
        assert_eq!(p.coverage[0].covered, 8);
        assert_eq!(p.coverage[0].uncovered_lines, vec![3, 5]);
        assert_eq!(p.org_wide_coverage, Some(52.0));
    }

    #[test]
    fn error_envelope() {
        let json = br#"{"code":1,"context":"DeployMetadataValidate","commandName":"DeployMetadataValidate",
          "data":{"deployId":"0Af1X00002h5J2sSAE"},
          "message":"Failed to validate the deployment (0Af1X00002h5J2sSAE). Due To:\n1 component error(s)",
          "name":"FailedValidationError","status":1,"stack":"...","exitCode":1,"warnings":[]}"#;
        let p = parse(json, "v.json").unwrap();
        assert_eq!(p.kind, Kind::DeployError);
        assert_eq!(p.id.as_deref(), Some("0Af1X00002h5J2sSAE"));
        assert!(p
            .error_message
            .unwrap()
            .starts_with("FailedValidationError: Failed to validate"));
    }

    #[test]
    fn real_apex_run_test_outputs() {
        let base = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/salesforce/apex-run-test/"
        );
        let path = format!("{base}mburnside999-learning4life/test-result-707Bm000003jiC1.json");
        let Ok(bytes) = std::fs::read(&path) else {
            panic!("missing fixture {path}");
        };
        let p = parse(&bytes, "t.json").unwrap();
        assert_eq!(p.kind, Kind::TestRun);
        assert_eq!(p.tests.len(), 15);
        assert!(p.tests.iter().all(|t| t.outcome == Outcome::Pass));
        assert_eq!(p.org_wide_coverage, Some(50.0));
        assert!(p.full_line_hits);
        assert!(p.coverage.iter().any(|c| c.name == "ComponentLogger"));
        // The bare coverage array file is not a test run.
        let cov = std::fs::read(format!(
            "{base}navikt-crm-workflows-dev/test-result-codecoverage.json"
        ))
        .unwrap();
        assert!(parse(&cov, "c.json").is_err());
    }

    #[test]
    fn metadata_api_xml() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<soapenv:Body><checkDeployStatusResponse><result>
  <checkOnly>true</checkOnly><done>true</done><id>0Af000000000001</id>
  <details>
    <componentFailures><componentType>ApexClass</componentType><fullName>Foo</fullName><fileName>classes/Foo.cls</fileName>
      <lineNumber>3</lineNumber><columnNumber>1</columnNumber><problem>Unexpected token</problem><problemType>Error</problemType><success>false</success></componentFailures>
    <componentFailures><componentType>CustomField</componentType><fullName>Account.X__c</fullName><fileName>objects/Account.object</fileName>
      <problem>bad</problem><problemType>Error</problemType><success>false</success></componentFailures>
    <runTestResult><numFailures>0</numFailures><numTestsRun>1</numTestsRun>
      <successes><name>FooTest</name><methodName>t</methodName><namespace xsi:nil="true"/><time>5.0</time></successes>
    </runTestResult>
  </details>
  <numberComponentsTotal>2</numberComponentsTotal><status>Failed</status><success>false</success>
</result></checkDeployStatusResponse></soapenv:Body></soapenv:Envelope>"#;
        let p = parse(xml, "r.xml").unwrap();
        assert_eq!(p.source, "Metadata API deploy result (XML)");
        assert_eq!(p.component_failures.len(), 2);
        assert_eq!(p.tests.len(), 1);
        assert_eq!(p.tests[0].class, "FooTest");
    }

    #[test]
    fn errors_name_the_place() {
        let e = parse(b"{\n  \"status\": 0,\n  \"result\": {,}\n}", "x.json").unwrap_err();
        assert!(e.starts_with("x.json:3:"), "{e}");
        let e = parse(b"   ", "x.json").unwrap_err();
        assert!(e.contains("empty"), "{e}");
        let e = parse(br#"{"status":0,"result":{"foo":1}}"#, "x.json").unwrap_err();
        assert!(e.contains("not a deploy or test result"), "{e}");
        let e = parse(b"Warning: update available\n{}", "x.json").unwrap_err();
        assert!(e.contains("not JSON or XML"), "{e}");
        let e = parse(b"<a><b></a>", "x.xml").unwrap_err();
        assert!(e.starts_with("x.xml:1:"), "{e}");
    }
}
