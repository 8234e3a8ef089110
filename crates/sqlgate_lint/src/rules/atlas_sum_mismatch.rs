use std::collections::HashMap;

use super::{Check, HistoryContext, Located, Rule, RuleMeta, Violation};
use crate::atlas_sum::{self, Entry};
use sqlgate_core::finding::{Category, Severity};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        name: "atlas-sum-mismatch",
        code: "IN005",
        category: Category::Integrity,
        default_severity: Severity::Error,
        opt_in: false,
        summary: "atlas.sum does not match the directory",
        what_it_does: "In an Atlas migration directory (one with an `atlas.sum`), recomputes the sums the way `atlas migrate hash` does and flags each difference, naming the file: a `.sql` file that `atlas.sum` does not list, an entry whose file is gone, the first listed file whose contents changed after the sum was written, a line that is not `<file> h1:<hash>`, and a first `h1:` line that does not match the entries. With `--changed-since`, only directories the change set touches are checked.",
        why_is_this_bad: "Atlas refuses to plan or apply anything while `atlas.sum` does not match (`checksum mismatch`), so the deploy fails at the worst moment. The sum exists to catch two branches adding migrations concurrently and applied migrations being edited; regenerating it blindly defeats that, so the mismatch should be looked at in review.",
        example: "-- migrations/20240301_add_orders.sql edited (or added, or removed)\n-- without running `atlas migrate hash`",
        use_instead: "atlas migrate hash --dir file://migrations   # after an intentional change\ngit add migrations/atlas.sum",
    },
    checks_down: false,
    check: Check::History(check),
};

const HELP: &str = "run `atlas migrate hash` after intentional changes, or revert the edit";

fn check(ctx: &HistoryContext, out: &mut Vec<Located>) {
    let Some(atlas) = &ctx.set.atlas else {
        return;
    };
    if !ctx.touched {
        return;
    }
    // A file that could not be read is already a run error; nothing can be verified.
    let Some(files) = atlas
        .files
        .iter()
        .map(|(name, id)| id.map(|id| (name.as_str(), id)))
        .collect::<Option<Vec<_>>>()
    else {
        return;
    };
    let sum_file = atlas.file;
    let sum_display = ctx.display(sum_file);
    let sum_text = ctx.text(sum_file);
    let parsed = atlas_sum::parse(sum_text);
    let mut report = |file: usize, span: std::ops::Range<usize>, message: String| {
        out.push(Located {
            file,
            violation: Violation::new(span, message, HELP),
        });
    };
    let mut found = 0;

    for range in &parsed.malformed {
        found += 1;
        report(
            sum_file,
            range.clone(),
            format!(
                "{sum_display}: `{}` is not `<file> h1:<hash>`",
                sum_text.get(range.clone()).unwrap_or("").trim()
            ),
        );
    }
    let listed: HashMap<&str, (&Entry, &std::ops::Range<usize>)> = parsed
        .entries
        .iter()
        .map(|(e, r)| (e.name.as_str(), (e, r)))
        .collect();
    let present: HashMap<&str, usize> = files.iter().copied().collect();
    let computed = atlas_sum::entries(
        files
            .iter()
            .map(|&(name, id)| (name, ctx.text(id).as_bytes())),
    );
    let hashed: std::collections::HashSet<&str> =
        computed.iter().map(|e| e.name.as_str()).collect();

    // Files the sum does not list (not those that opt out with `atlas:sum ignore`).
    for entry in &computed {
        if !listed.contains_key(entry.name.as_str()) {
            found += 1;
            let file = present
                .get(entry.name.as_str())
                .copied()
                .unwrap_or(sum_file);
            report(
                file,
                0..0,
                format!("{} is not in {sum_display}", ctx.display(file)),
            );
        }
    }
    // Entries whose file is gone.
    let mut gone: Vec<&str> = Vec::new();
    for (entry, range) in &parsed.entries {
        if !present.contains_key(entry.name.as_str()) {
            found += 1;
            gone.push(&entry.name);
            report(
                sum_file,
                range.clone(),
                format!(
                    "{sum_display} lists {}, which is not in the directory",
                    entry.name
                ),
            );
        }
    }
    // The first listed file whose contents changed: hash the files the sum knows, in
    // order, as Atlas did when it wrote it. Past a removed file the chain cannot be
    // followed (its bytes are gone), so the walk stops there.
    let first_gone = gone.iter().min().copied();
    let known: Vec<(&str, &[u8])> = files
        .iter()
        .filter(|(name, _)| listed.contains_key(name) || !hashed.contains(name))
        .take_while(|(name, _)| first_gone.is_none_or(|g| *name < g))
        .map(|&(name, id)| (name, ctx.text(id).as_bytes()))
        .collect();
    let edited = atlas_sum::entries(known).into_iter().find(|e| {
        listed
            .get(e.name.as_str())
            .is_some_and(|(l, _)| l.hash != e.hash)
    });
    if let Some(entry) = edited {
        found += 1;
        let file = present
            .get(entry.name.as_str())
            .copied()
            .unwrap_or(sum_file);
        report(
            file,
            0..0,
            format!(
                "{} does not match its hash in {sum_display}: it changed after the sum was written",
                ctx.display(file)
            ),
        );
    }
    // Only the total is wrong (a hand-edited or hand-merged atlas.sum).
    let entries: Vec<Entry> = parsed.entries.iter().map(|(e, _)| e.clone()).collect();
    if found == 0 && parsed.total != atlas_sum::total(&entries) {
        let first_line = sum_text.find(['\r', '\n']).unwrap_or(sum_text.len());
        report(
            sum_file,
            0..first_line,
            format!("{sum_display}: the first line's h1: sum does not match the entries"),
        );
    }
}
