//! A local fake Salesforce org for the `smoke` and `gate` tests and benchmarks: the
//! scripted loopback server of the forge tests, loaded with the documented wire formats —
//! OAuth 2.0 token endpoint (refresh-token grant, rotating refresh tokens), REST and
//! Tooling `query` (with `nextRecordsUrl` pages), `limits`, `tooling/executeAnonymous`,
//! `Sforce-Limit-Info` — and able to answer any of them with a failure instead; and the release
//! spec of Scenario 2 with the org it runs against ([`SCENARIO_2`], [`scenario_org`]).

use super::fake::{FakeResponse, FakeServer};
use serde_json::{json, Value};

pub const API: &str = "/services/data/v66.0";
pub const REFRESH_TOKEN: &str = "5Aep861FAKErefreshTOKENsecret.0123456789";
pub const ROTATED_TOKEN: &str = "5Aep861FAKErotatedTOKENsecret.9876543210";
pub const CLIENT_SECRET: &str = "FAKEclientSECRET4711";
pub const ACCESS_TOKEN: &str = "00D5g000004FAKE!AQ8AQFAKEaccessTOKENsecretValue";
pub const ORG_ID: &str = "00D5g000004FAKEEAA";

pub struct FakeOrg {
    pub server: FakeServer,
}

/// `q=` as the client encodes it.
pub fn encode(soql: &str) -> String {
    form_urlencoded::byte_serialize(soql.as_bytes()).collect()
}

impl FakeOrg {
    /// A logged-in-able org with an Organization record and limits.
    pub fn start() -> FakeOrg {
        let org = FakeOrg {
            server: FakeServer::start(),
        };
        org.token(vec![org.token_ok(ACCESS_TOKEN, None)]);
        org.soql(
            "SELECT Id, Name, InstanceName, IsSandbox FROM Organization",
            vec![json!({"attributes": {"type": "Organization"}, "Id": ORG_ID, "Name": "Acme Corp", "InstanceName": "NA224", "IsSandbox": false})],
        );
        org.server.route(
            "GET",
            &format!("{API}/limits"),
            vec![FakeResponse::json(
                200,
                json!({
                    "DailyApiRequests": {"Max": 15000, "Remaining": 14000, "Ant Migration Tool": {"Max": 0, "Remaining": 0}},
                    "DailyAsyncApexExecutions": {"Max": 250000, "Remaining": 20000},
                    "DataStorageMB": {"Max": 1024, "Remaining": 800}
                }),
            )
            .header("Sforce-Limit-Info", "api-usage=1000/15000")],
        );
        org
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    /// `force://PlatformCLI:<secret>:<refresh>@http://127.0.0.1:PORT`
    pub fn auth_url(&self) -> String {
        format!(
            "force://PlatformCLI:{CLIENT_SECRET}:{REFRESH_TOKEN}@{}",
            self.url()
        )
    }

    pub fn token_ok(&self, access: &str, rotated: Option<&str>) -> FakeResponse {
        let mut body = json!({
            "access_token": access,
            "instance_url": self.url(),
            "id": format!("{}/id/{ORG_ID}/005000000000001AAA", self.url()),
            "token_type": "Bearer",
            "issued_at": "1764000000000",
            "signature": "ZmFrZQ=="
        });
        if let Some(r) = rotated {
            body["refresh_token"] = json!(r);
        }
        FakeResponse::json(200, body)
    }

    pub fn token(&self, script: Vec<FakeResponse>) {
        self.server.route("POST", "/services/oauth2/token", script);
    }

    /// A query's answer (one page).
    pub fn query_page(records: &[Value], total: usize, next: Option<&str>) -> FakeResponse {
        let mut body = json!({"totalSize": total, "done": next.is_none(), "records": records});
        if let Some(n) = next {
            body["nextRecordsUrl"] = json!(n);
        }
        FakeResponse::json(200, body).header("Sforce-Limit-Info", "api-usage=1001/15000")
    }

    /// Answers the REST query `soql` with `records` (one page).
    pub fn soql(&self, soql: &str, records: Vec<Value>) {
        let n = records.len();
        self.soql_script(soql, vec![Self::query_page(&records, n, None)]);
    }

    /// Answers `SELECT COUNT() …` with `n` and no records.
    pub fn count(&self, soql: &str, n: usize) {
        self.soql_script(soql, vec![Self::query_page(&[], n, None)]);
    }

    pub fn soql_script(&self, soql: &str, script: Vec<FakeResponse>) {
        self.server
            .route("GET", &format!("{API}/query?q={}", encode(soql)), script);
    }

    pub fn tooling(&self, soql: &str, records: Vec<Value>) {
        let n = records.len();
        self.server.route(
            "GET",
            &format!("{API}/tooling/query?q={}", encode(soql)),
            vec![Self::query_page(&records, n, None)],
        );
    }

    /// Every executeAnonymous call answers with this script.
    pub fn anonymous(&self, script: Vec<FakeResponse>) {
        self.server
            .route("GET", &format!("{API}/tooling/executeAnonymous/"), script);
    }

    /// What Salesforce answers for a rolled-back body that completed: the wrapper's
    /// deliberate assertion failure.
    pub fn anonymous_rolled_back() -> FakeResponse {
        FakeResponse::json(
            200,
            json!({"line": 9, "column": 1, "compiled": true, "success": false,
            "compileProblem": null,
            "exceptionStackTrace": "AnonymousBlock: line 9, column 1",
            "exceptionMessage": "System.AssertException: Assertion Failed: SFCI_ROLLBACK_SENTINEL"}),
        )
    }

    pub fn anonymous_ok() -> FakeResponse {
        FakeResponse::json(
            200,
            json!({"line": -1, "column": -1, "compiled": true, "success": true,
            "compileProblem": null, "exceptionStackTrace": null, "exceptionMessage": null}),
        )
    }

    pub fn anonymous_exception(message: &str, trace: &str) -> FakeResponse {
        FakeResponse::json(
            200,
            json!({"line": 4, "column": 1, "compiled": true, "success": false,
            "compileProblem": null, "exceptionStackTrace": trace, "exceptionMessage": message}),
        )
    }

    pub fn invalid_session() -> FakeResponse {
        FakeResponse::json(
            401,
            json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]),
        )
    }

    /// Every request the org received, as text (for the secrets audit).
    pub fn requests_text(&self) -> String {
        self.server
            .requests()
            .iter()
            .map(|r| format!("{} {} {:?} {}", r.method, r.target, r.headers, r.body))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The release spec of Scenario 2 (an approval process, a permission set, a feature flag,
/// scheduled jobs, Apex classes, anonymous Apex, limits and an endpoint): nine checks.
pub const SCENARIO_2: &str = r#"
checks:
  - name: connected to production
    org: {id: "${EXPECTED_ORG}", sandbox: false}
  - name: opportunity approval active
    tags: [scenario-2]
    soql: SELECT Id, State FROM ProcessDefinition WHERE Type = 'Approval' AND DeveloperName = 'Opp_Approval'
    expect: {count: 1, equals: {State: Active}}
  - name: sales ops assigned
    tags: [scenario-2]
    soql: SELECT COUNT() FROM PermissionSetAssignment WHERE PermissionSet.Name = 'Sales_Ops'
    expect: {min: 10}
  - name: pricing flag off in production
    tags: [scenario-2]
    soql: SELECT DeveloperName, Enabled__c FROM Feature_Flag__mdt WHERE DeveloperName = 'New_Pricing'
    expect: {count: 1, equals: {Enabled__c: false}}
  - name: nightly jobs waiting
    soql: SELECT CronJobDetail.Name, State, NextFireTime FROM CronTrigger WHERE CronJobDetail.Name LIKE 'Nightly%'
    expect: {min: 1, all: {State: WAITING, NextFireTime: {present: true}}}
  - name: no invalid classes
    tooling: SELECT Id, Name FROM ApexClass WHERE IsValid = false
    expect: {count: 0}
  - name: approval submits
    apex: |
      Approval.ProcessSubmitRequest req = new Approval.ProcessSubmitRequest();
      Approval.process(req);
  - name: api headroom
    limits: DailyApiRequests
    expect: {min_remaining: "20%"}
  - name: health endpoint
    http: /services/apexrest/health
    expect: {status: 200, contains: '"status":"UP"'}
"#;

/// An org for [`SCENARIO_2`]: every check passes when `healthy`, else four fail (the
/// approval process inactive, Sales_Ops unassigned, the pricing flag on, the Apex throwing).
pub fn scenario_org(healthy: bool) -> FakeOrg {
    let org = FakeOrg::start();
    org.soql(
        "SELECT Id, State FROM ProcessDefinition WHERE Type = 'Approval' AND DeveloperName = 'Opp_Approval'",
        vec![json!({"attributes": {"type": "ProcessDefinition"}, "Id": "04a000000000001", "State": if healthy { "Active" } else { "Inactive" }})],
    );
    org.count(
        "SELECT COUNT() FROM PermissionSetAssignment WHERE PermissionSet.Name = 'Sales_Ops'",
        if healthy { 250 } else { 0 },
    );
    org.soql(
        "SELECT DeveloperName, Enabled__c FROM Feature_Flag__mdt WHERE DeveloperName = 'New_Pricing'",
        vec![json!({"DeveloperName": "New_Pricing", "Enabled__c": !healthy})],
    );
    org.soql(
        "SELECT CronJobDetail.Name, State, NextFireTime FROM CronTrigger WHERE CronJobDetail.Name LIKE 'Nightly%'",
        vec![json!({"CronJobDetail": {"attributes": {"type": "CronJobDetail"}, "Name": "Nightly sync"}, "State": "WAITING", "NextFireTime": "2026-11-28T02:00:00.000+0000"})],
    );
    org.tooling(
        "SELECT Id, Name FROM ApexClass WHERE IsValid = false",
        vec![],
    );
    org.anonymous(vec![if healthy {
        FakeOrg::anonymous_rolled_back()
    } else {
        FakeOrg::anonymous_exception(
            "System.DmlException: Process failed. First exception on row 0; first error: NO_APPLICABLE_PROCESS, No applicable approval process was found.: []",
            "AnonymousBlock: line 4, column 1",
        )
    }]);
    org.server.route(
        "GET",
        "/services/apexrest/health",
        vec![FakeResponse::json(200, json!({"status": "UP"}))],
    );
    org
}
