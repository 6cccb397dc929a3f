//! The merge-request comment of `gate deploy-result --comment`: what a developer needs to fix a
//! failed validation without opening the job log — component failures with file and line and a
//! short fix hint for the most common deploy errors, failing tests with their message and the
//! line the stack trace points at, classes under their coverage tier — then every check.
//!
//! Hints are matched on the platform's error text ([`hint`]); an error no hint knows gets none
//! (never a guess).
use super::deploy_result::{pct, stack_line, DeployReport};
use crate::report::markdown::escape_cell;
use crate::report::results::{render_comment, Status};
use crate::report::sanitize::one_line;

/// Substrings of the platform's deploy and test errors (lower case), and what usually fixes them.
const HINTS: &[(&str, &str)] = &[
    ("variable does not exist", "a field, variable or class this code uses is not in the target org or in the deployment: deploy it with this change, or check the API name"),
    ("no such column", "a field in the query is not in the target org: include the field's metadata in the deployment, or check its API name and the deploying user's field access"),
    ("invalid type", "a class or object named here is not in the target org: include it in the deployment, or check the name and namespace"),
    ("method does not exist or incorrect signature", "a called method's signature changed: update every caller in the same change"),
    ("dependent class is invalid and needs recompilation", "a class this one depends on did not compile: fix the first compile error listed"),
    ("was named in package.xml, but was not found", "the manifest names a component the package does not contain: regenerate package.xml from the source"),
    ("cannot find", "a referenced component is missing from the org and the deployment: deploy it first or with this change"),
    ("entity of type", "a referenced component is missing from the org and the deployment: deploy it first or with this change"),
    ("methods defined as testmethod do not support web service callouts", "the test reaches an HTTP callout without Test.setMock: `lint-callout-mocks` shows the chain; set the mock before the call"),
    ("you have uncommitted work pending", "DML runs before a callout in the same transaction: set the callout mock first, or move the DML after Test.startTest()"),
    ("system.calloutexception", "the test reaches a callout the platform refuses in tests: set a mock with Test.setMock (`lint-callout-mocks` shows the chain)"),
    ("field_custom_validation_exception", "a validation rule rejects the test data: create records that satisfy it in the test data factory"),
    ("required_field_missing", "the test data misses a field the org requires: set it in the test data factory"),
    ("duplicate_value", "the test inserts a value that must be unique: generate unique values"),
    ("unable_to_lock_row", "tests contend for the same records: rerun, or turn off parallel Apex testing for these classes (@isTest(isParallel=false))"),
    ("mixed_dml_operation", "setup and non-setup objects change in one transaction: wrap the setup DML (User, Group, PermissionSetAssignment) in System.runAs"),
    ("too many soql queries", "a query runs inside a loop: query once before the loop and use a map"),
    ("too many dml statements", "DML runs inside a loop: collect the records and write them once"),
    ("apex cpu time limit exceeded", "the transaction does too much work: bulkify loops, move heavy work to Queueable/Batch"),
    ("insufficient_access", "the deploying or running user lacks access: check its profile and permission sets in the target org"),
    ("invalid_cross_reference_key", "a record or metadata Id does not exist in this org (a hard-coded Id, a missing user, queue or record type)"),
    ("test coverage of selected apex", "a class or trigger in the deployment has less than 75 % coverage from the tests run: add tests, or run the tests that reach it"),
    ("average test coverage across all apex classes", "org-wide coverage is under 75 %: add tests, or run all local tests"),
    ("assertion failed", "a test assertion failed: the change altered behaviour the test expects, or the test data no longer fits"),
    ("attempt to de-reference a null object", "a null value is used: check the query results and inputs the code assumes present"),
    ("list has no rows for assignment", "a query assigned to a single record found nothing: query into a list, or create the record in the test"),
];

/// A short fix hint for a deploy or test error, when one is known.
pub fn hint(message: &str) -> Option<&'static str> {
    let lower = message.to_ascii_lowercase();
    HINTS
        .iter()
        .find(|(needle, _)| lower.contains(needle))
        .map(|(_, h)| *h)
}

fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'"))
}

/// The comment body, at most `limit` bytes.
pub fn render(report: &DeployReport, limit: usize) -> String {
    let r = &report.results;
    let mut sections = String::new();

    let components = &r.findings.findings;
    if !components.is_empty() {
        sections.push_str(&format!(
            "#### Component failures ({})\n\n| component | where | problem | hint |\n|---|---|---|---|\n",
            components.len()
        ));
        for f in components.iter().take(50) {
            let what = f.symbol.as_deref().unwrap_or("").replace(':', " ");
            let problem = f
                .message
                .strip_prefix(&format!("{what}: "))
                .unwrap_or(&f.message);
            sections.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                escape_cell(&what),
                code(&format!("{}:{}", f.file, f.line)),
                escape_cell(&one_line(problem)),
                hint(problem).map(escape_cell).unwrap_or_default()
            ));
        }
        if components.len() > 50 {
            sections.push_str(&format!("\n… and {} more.\n", components.len() - 50));
        }
        sections.push('\n');
    }

    let tests: Vec<_> = r
        .results
        .iter()
        .filter(|c| {
            c.status == Status::Fail
                && !matches!(
                    c.group.as_deref(),
                    Some("deploy" | "components" | "coverage" | "outputs") | None
                )
        })
        .collect();
    if !tests.is_empty() {
        sections.push_str(&format!(
            "#### Failing tests ({})\n\n| test | message | where | hint |\n|---|---|---|---|\n",
            tests.len()
        ));
        for t in tests.iter().take(50) {
            let class = t.group.as_deref().unwrap_or("");
            let line = t.detail.as_deref().and_then(|d| stack_line(d, class));
            let place = match (&t.file, line) {
                (Some(f), Some(l)) => code(&format!("{f}:{l}")),
                (Some(f), None) => code(f),
                (None, Some(l)) => format!("line {l}"),
                (None, None) => "—".into(),
            };
            sections.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                code(&format!("{class}.{}", t.name)),
                escape_cell(&one_line(&t.message)),
                place,
                hint(&t.message).map(escape_cell).unwrap_or_default()
            ));
        }
        if tests.len() > 50 {
            sections.push_str(&format!("\n… and {} more.\n", tests.len() - 50));
        }
        sections.push('\n');
    }

    if !report.below.is_empty() {
        sections.push_str(&format!(
            "#### Classes under their coverage tier ({})\n\n| class | coverage | lines | tier | minimum |\n|---|---:|---:|---|---:|\n",
            report.below.len()
        ));
        for b in report.below.iter().take(50) {
            sections.push_str(&format!(
                "| {} | {} | {}/{} | {} | {} |\n",
                code(&b.name),
                pct(b.percent),
                b.covered,
                b.total,
                escape_cell(&b.tier),
                pct(b.min)
            ));
        }
        sections.push('\n');
    }
    render_comment(r, &sections, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_errors_get_hints_and_unknown_ones_none() {
        assert!(hint("Variable does not exist: Undefined (10:20)")
            .unwrap()
            .contains("not in the target org"));
        assert!(hint("System.CalloutException: Methods defined as TestMethod do not support Web service callouts")
            .unwrap()
            .contains("Test.setMock"));
        assert!(hint("FIELD_CUSTOM_VALIDATION_EXCEPTION, Amount must be positive").is_some());
        assert_eq!(hint("something nobody has seen"), None);
    }
}
