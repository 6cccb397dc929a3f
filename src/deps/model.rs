//! The dependency model: components (anything another file can reference and a
//! change can delete or rename), the file that declares each, and references
//! between them with the file and line where they are written.

use serde::Serialize;

/// A kind of Salesforce component. Names are compared case-insensitively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    ApexClass,
    ApexTrigger,
    /// A Lightning Web Component bundle (`lwc/<name>/`), named like its folder.
    Lwc,
    /// An Aura bundle (`aura/<name>/`).
    Aura,
    VisualforcePage,
    VisualforceComponent,
    Flow,
    /// A custom object, custom metadata type (`X__mdt`) or platform event (`X__e`);
    /// standard objects (`Account`) too when the repository has their folder.
    CustomObject,
    /// `Object.Field`, e.g. `Invoice__c.Amount__c`.
    CustomField,
    CustomLabel,
    StaticResource,
    FlexiPage,
    PermissionSet,
    Profile,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::ApexClass => "ApexClass",
            Kind::ApexTrigger => "ApexTrigger",
            Kind::Lwc => "LightningComponentBundle",
            Kind::Aura => "AuraDefinitionBundle",
            Kind::VisualforcePage => "ApexPage",
            Kind::VisualforceComponent => "ApexComponent",
            Kind::Flow => "Flow",
            Kind::CustomObject => "CustomObject",
            Kind::CustomField => "CustomField",
            Kind::CustomLabel => "CustomLabel",
            Kind::StaticResource => "StaticResource",
            Kind::FlexiPage => "FlexiPage",
            Kind::PermissionSet => "PermissionSet",
            Kind::Profile => "Profile",
        }
    }
}

/// A component declared by a file: `(kind, name)` with the name as declared
/// (`AccountService`, `invoiceList`, `Invoice__c.Amount__c`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Declared {
    pub kind: Kind,
    pub name: String,
    /// 1-based line of the declaration in its file (1 when the file is the component).
    pub line: u32,
}

/// A reference written in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// The kinds the target may be, most likely first (`<c:foo>` in Aura may be an
    /// Aura bundle or an LWC; `Foo__c` in Apex may be an object).
    pub kinds: Vec<Kind>,
    /// The target's name as written (`AccountService`, `Invoice__c.Amount__c`,
    /// `otherComponent` — LWC names in camelCase, converted from `c-other-component`).
    pub name: String,
    pub line: u32,
    pub column: u32,
}

/// A problem that stopped or limited the extraction of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Everything one file contributes to the graph.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileFacts {
    /// Repository-relative path with `/`.
    pub rel: String,
    /// The component this file belongs to and speaks for (a class, an LWC bundle
    /// for each of its files, a field, a label file's first label …). None for
    /// files that are not components of their own.
    pub owner: Option<Declared>,
    /// Components the file declares (the owner included; a labels file declares
    /// every label, an object file its object).
    pub declares: Vec<Declared>,
    pub refs: Vec<Reference>,
    pub problems: Vec<Problem>,
}
