//! `sqlgate ci`: inside GitHub Actions, check the pull request, annotate it, write the job
//! summary, update the sticky comment and the check run, and evaluate the gate.

use std::path::PathBuf;

use super::args::CiArgs;
use super::config::{exit_code, fail_on_setting};
use super::output::{append_to, write_in_repository, write_stdout, Failure};
use super::pull_request::{lint_pull_request, local_gate_facts, with_gate, PullRequestLint};
use sqlgate_core::source::escape_controls;
use sqlgate_discover::git::short_sha;
use sqlgate_report::{self as report};

/// `sqlgate ci`: the pull request's changed migrations, checked with the older ones feeding
/// the catalog, the merge gate evaluated against the pull request's reviews and backup
/// evidence, published as annotations, job summary, outputs, sticky comment, check run and
/// SARIF. Publishing failures never hide findings: they become notices. The gate fails
/// closed: what it cannot find out blocks.
pub(super) fn run_ci(args: CiArgs) -> Result<u8, Failure> {
    use sqlgate_github::ci;

    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let ctx = ci::Context::from_env(&var).map_err(Failure)?;
    let event = &ctx.event;
    let cwd = std::env::current_dir()
        .map_err(|e| Failure(format!("cannot read the current directory: {e}")))?;
    let paths = if args.paths.is_empty() {
        var("SQLGATE_PATHS")
            .map(|v| ci::split_paths(&v))
            .unwrap_or_default()
    } else {
        args.paths.clone()
    };
    let sarif_file = args
        .sarif_file
        .clone()
        .or_else(|| var("SQLGATE_SARIF_FILE").map(PathBuf::from));
    let comment = match args.comment.clone().or_else(|| var("SQLGATE_COMMENT")) {
        None => true,
        Some(value) => ci::parse_bool(&value).ok_or_else(|| {
            Failure(format!(
                "--comment / SQLGATE_COMMENT: invalid value `{value}` (valid: true, false)"
            ))
        })?,
    };
    let check_run = args
        .check_run
        .clone()
        .or_else(|| var("SQLGATE_CHECK_RUN"))
        .filter(|name| ci::parse_bool(name) != Some(false));
    let fail_on = fail_on_setting(args.common.fail_on)?;

    let mut replay = args.replay.clone();
    if let Some(value) = var("SQLGATE_REPLAY").filter(|_| !replay.replay) {
        replay.replay = ci::parse_bool(&value).ok_or_else(|| {
            Failure(format!(
                "SQLGATE_REPLAY: invalid value `{value}` (valid: true, false)"
            ))
        })?;
    }
    let lint = lint_pull_request(event, paths, &args.common, Some(&replay), &cwd)?;
    let root = lint.root.clone();
    let client = ctx.token.as_deref().map(|token| {
        sqlgate_github::OctocrabClient::new(
            &ctx.api_url,
            Some(token),
            sqlgate_github::RetryPolicy::default(),
        )
        .map_err(|e| e.to_string())
    });
    let (mut output, mut annotations_out) = with_gate(lint, |lint| {
        online_gate_facts(&ctx, lint, client.as_ref(), &var)
    });
    let report = &mut output.report;
    let exit = exit_code(report, fail_on);

    report::github::render(report, &mut annotations_out);
    write_stdout(&annotations_out)?;

    let markdown = format!(
        "{}\n<sub>sqlgate {} · {} · head {}</sub>\n",
        report::markdown::render(report),
        env!("CARGO_PKG_VERSION"),
        event.kind.name(),
        short_sha(&event.head_sha)
    );
    append_to(
        ctx.step_summary.as_deref(),
        "GITHUB_STEP_SUMMARY",
        &markdown,
    )?;

    if let Some(file) = &sarif_file {
        // Relative to where the run started (it has moved to the repository root since).
        write_in_repository(
            file,
            &cwd,
            &root,
            "the SARIF file",
            &report::sarif::render(report),
        )?;
    }

    if comment || check_run.is_some() {
        write_stdout(&publish(
            &ctx,
            client.as_ref(),
            report,
            &markdown,
            comment,
            check_run,
            exit,
        ))?;
    }

    let mut outputs = report::github::outputs(report);
    outputs.push_str(&ci::output_lines(&[(
        "sarif-file",
        sarif_file
            .map(|f| f.display().to_string())
            .unwrap_or_default(),
    )]));
    append_to(ctx.output.as_deref(), "GITHUB_OUTPUT", &outputs)?;
    Ok(exit)
}

/// `sqlgate ci` could not run (unreadable event, bad config, no checkout): the gate is not
/// proven, so it blocks. Says so where GitHub shows it: an error on the run's page, the job
/// summary, and the outputs, on top of exit code 2.
pub(super) fn ci_failed(message: &str) {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    };
    // The message may quote the pull request's files (config keys, paths): one line, no
    // terminal escapes, wherever it goes.
    let message = &escape_controls(message);
    let text = format!("merge gate blocked (missing: error): sqlgate could not run: {message}");
    let _ = write_stdout(&format!(
        "::error title=sqlgate merge gate::{}\n",
        report::github::escape_data(&text)
    ));
    let _ = append_to(
        var("GITHUB_STEP_SUMMARY").as_deref(),
        "GITHUB_STEP_SUMMARY",
        &format!(
            "## sqlgate\n\n🚫 **Blocked**: sqlgate could not run, so the merge gate is not proven.\n\n> {}\n",
            report::markdown::escape_cell(message)
        ),
    );
    let _ = append_to(
        var("GITHUB_OUTPUT").as_deref(),
        "GITHUB_OUTPUT",
        "gate-status=blocked\ngate-missing=error\n",
    );
}

/// The gate's facts for `sqlgate ci`: the local ones, then reviews, permissions, teams and
/// artifacts from GitHub. No token or no client is a fact that blocks.
pub(super) fn online_gate_facts(
    ctx: &sqlgate_github::ci::Context,
    lint: &PullRequestLint,
    client: Option<&Result<sqlgate_github::OctocrabClient, String>>,
    var: &dyn Fn(&str) -> Option<String>,
) -> sqlgate_gate::Facts {
    use sqlgate_github::collect::{self, Online};
    use sqlgate_github::{GitHub, OctocrabClient, RetryPolicy};

    let mut facts = local_gate_facts(&ctx.event, lint);
    let client = match client {
        None => {
            facts.problems.push(
                "no GitHub token, so the reviews cannot be read: pass `github-token` to the \
                 action (or set SQLGATE_GITHUB_TOKEN or GITHUB_TOKEN) with `pull-requests: read`"
                    .to_string(),
            );
            return facts;
        }
        Some(Err(e)) => {
            facts.problems.push(e.clone());
            return facts;
        }
        Some(Ok(client)) => client,
    };
    let team_client = if lint.config.gate.reviewers.teams.is_empty() {
        None
    } else {
        match var("SQLGATE_TEAM_TOKEN")
            .map(|token| OctocrabClient::new(&ctx.api_url, Some(&token), RetryPolicy::default()))
        {
            None => None,
            Some(Ok(client)) => Some(client),
            Some(Err(e)) => {
                facts.problems.push(format!("the team token: {e}"));
                None
            }
        }
    };
    let online = Online {
        github: client,
        teams: team_client.as_ref().map(|c| c as &dyn GitHub),
        repo: &ctx.repo,
        number: ctx.event.number,
    };
    collect::from_github(&online, &lint.config.gate, facts)
}

/// Comments on the pull request and publishes the check run. Returns workflow commands
/// (notices) about what could not be done; never fails the run, so a fork's read-only token
/// still leaves the annotations and the exit code.
pub(super) fn publish(
    ctx: &sqlgate_github::ci::Context,
    client: Option<&Result<sqlgate_github::OctocrabClient, String>>,
    report: &sqlgate_core::run::RunReport,
    markdown: &str,
    comment: bool,
    check_run: Option<String>,
    exit: u8,
) -> String {
    use sqlgate_github::ci::publish::{self as p, CommentOutcome};
    use sqlgate_github::{ApiError, CheckOutput, CheckRunRequest};

    let event = &ctx.event;
    let mut out = String::new();
    let notice = |out: &mut String, level: &str, text: String| {
        out.push_str(&format!(
            "::{level}::{}\n",
            report::github::escape_data(&text)
        ));
    };
    let Some(client) = client else {
        notice(
            &mut out,
            "notice",
            "sqlgate: no GitHub token (set `github-token`, SQLGATE_GITHUB_TOKEN or GITHUB_TOKEN): \
             no pull request comment or check run; the findings are in the annotations and the job summary"
                .to_string(),
        );
        return out;
    };
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            notice(&mut out, "warning", format!("sqlgate: {e}"));
            return out;
        }
    };
    let failed = |what: &str, e: &ApiError| -> (&'static str, String) {
        if e.is_permission() {
            (
                "notice",
                format!(
                    "sqlgate could not {what}: {e}. The token is read-only (as on pull requests \
                     from forks) or lacks the permission; the findings are in the annotations \
                     and the job summary, and the exit code is unchanged"
                ),
            )
        } else {
            ("warning", format!("sqlgate could not {what}: {e}"))
        }
    };
    if comment {
        let body = p::comment_body(markdown);
        let needed = !report.findings.iter().all(|f| f.suppressed)
            || !report.errors.is_empty()
            || report.gate.required;
        match p::upsert_comment(client, &ctx.repo, event.number, &body, needed) {
            Ok(CommentOutcome::Created(id)) => out.push_str(&format!(
                "sqlgate: commented on pull request #{} (comment {id})\n",
                event.number
            )),
            Ok(CommentOutcome::Updated(id)) => out.push_str(&format!(
                "sqlgate: updated its comment on pull request #{} (comment {id})\n",
                event.number
            )),
            Ok(CommentOutcome::NotNeeded) => {}
            Err(e) => {
                let (level, text) =
                    failed(&format!("comment on pull request #{}", event.number), &e);
                notice(&mut out, level, text);
            }
        }
    }
    if let Some(name) = check_run {
        let errors = report.count(sqlgate_core::finding::Severity::Error);
        let warnings = report.count(sqlgate_core::finding::Severity::Warning);
        let request = CheckRunRequest {
            name: name.clone(),
            head_sha: event.head_sha.clone(),
            conclusion: p::conclusion(exit),
            output: CheckOutput {
                title: format!(
                    "{}{}, {}",
                    match (report.gate.required, report.gate.blocked()) {
                        (true, true) => format!(
                            "Merge gate blocked (missing: {}) · ",
                            report.gate.missing.join(", ")
                        ),
                        (true, false) => "Merge gate passed · ".to_string(),
                        (false, _) => String::new(),
                    },
                    report::plural(errors, "error", "errors"),
                    report::plural(warnings, "warning", "warnings")
                ),
                summary: p::truncate(markdown, p::MAX_BODY_CHARS),
                annotations: Vec::new(),
            },
        };
        match p::publish_check_run(client, &ctx.repo, request, p::annotations(report)) {
            Ok(run) => out.push_str(&format!(
                "sqlgate: published check run `{name}` ({})\n",
                run.id
            )),
            Err(e) => {
                let (level, text) = failed(&format!("publish the check run `{name}`"), &e);
                notice(&mut out, level, text);
            }
        }
    }
    out
}
