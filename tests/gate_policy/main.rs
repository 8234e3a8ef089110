//! The merge gate's policy, table-driven: `sqlgate::gate::evaluate` over findings, a
//! `[gate]` config and the facts gathered about a pull request (DESIGN.md §5). Every row
//! is evaluated and every failing row is reported by name.
//!
//! main.rs holds the table test; the rows are in one module per topic (`applies`,
//! `approvals`, `backup`, `switches`), with the regression cases of their topic; `support`
//! holds the builders of findings, reviews and facts, and `table` the `Case` type and the
//! loop that checks every row.

mod applies;
mod approvals;
mod backup;
mod support;
mod switches;
mod table;

use table::{run, Case};

/// The whole table: every module's rows, in this order.
fn cases() -> Vec<Case> {
    [
        applies::cases(),
        approvals::cases(),
        backup::cases(),
        switches::cases(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[test]
fn gate_policy_table() {
    let cases = cases();
    assert!(cases.len() >= 40, "the table lost rows: {}", cases.len());
    run(cases);
}
