//! Reference extraction, one module per metadata type. `extract` dispatches on
//! the file's path (Salesforce DX source format).
pub mod apex;
