//! The fuzz harnesses, one function per target (fuzz_targets/). The same
//! modules are compiled into the stable replay tests of the two crates
//! (crates/*/tests/fuzz_corpus.rs), which run every file of fuzz/corpus/.

pub mod domain;
pub mod office;
