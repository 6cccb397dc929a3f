//! Apex analysis: the fast lexer every file goes through, a tolerant parser that
//! keeps declarations and call events, and the global index with the call graph.
pub mod call;
pub mod events;
pub mod index;
pub mod lexer;
pub mod model;
pub mod parse;
