//! `sqlgate gate`: evaluate the merge gate offline from a saved event and API answers.

use std::path::Path;

use super::args::{GateArgs, GateFormat};
use super::config::{exit_code, fail_on_setting};
use super::output::{human_options, write_stdout, Failure};
use super::pull_request::{lint_pull_request, local_gate_facts, with_gate};
use sqlgate_report::{self as report, Format};

/// `sqlgate gate`: the gate evaluated offline, from an event payload and saved API answers.
pub(super) fn run_gate(args: GateArgs) -> Result<u8, Failure> {
    use sqlgate_github::collect::{self, Files};
    use sqlgate_github::wire;

    let cwd = std::env::current_dir()
        .map_err(|e| Failure(format!("cannot read the current directory: {e}")))?;
    // Every file is read before the run moves to the repository root.
    let payload = read_input(&args.event, "--event", |text| Ok(text.to_string()))?;
    // The parser's messages already name the file.
    let event = sqlgate_github::ci::event::parse_saved(&payload, &args.event.display().to_string())
        .map_err(Failure)?;
    let reviews = read_input(&args.reviews, "--reviews", |text| {
        wire::reviews_from_json(text).map_err(|e| {
            format!("not the JSON array GET /repos/OWNER/REPO/pulls/N/reviews returns ({e})")
        })
    })?;
    // `--artifacts` is the operator's input, not the pull request's: the artifacts of the
    // runs of the backup workflow the operator chose (`GET .../actions/runs/RUN/artifacts`),
    // in GitHub's artifact JSON. That JSON does not say which workflow made an artifact or
    // how its run ended, so the operator vouches for that; the gate still requires
    // `gate.backup.workflows` to name a workflow (else no artifact counts, as under `ci`),
    // and checks each artifact's name, `workflow_run.head_sha` (the head), expiry and
    // creation after the head commit exactly as it does online.
    let artifacts = args
        .artifacts
        .as_deref()
        .map(|path| read_input(path, "--artifacts", wire::artifacts_from_json))
        .transpose()?;
    let permissions = args
        .permissions
        .as_deref()
        .map(|path| read_input(path, "--permissions", parse_permissions))
        .transpose()?;
    let teams = args
        .teams
        .as_deref()
        .map(|path| {
            read_input(path, "--teams", |text| {
                serde_json::from_str::<std::collections::HashMap<String, Vec<String>>>(text)
                    .map_err(|e| {
                        format!("expected an object mapping `org/team` to an array of logins ({e})")
                    })
            })
        })
        .transpose()?;

    let lint = lint_pull_request(&event, args.paths.clone(), &args.common, None, &cwd)?;
    let files = Files {
        reviews,
        permissions,
        teams,
        artifacts,
    };
    let output = with_gate(lint, |lint| {
        collect::from_files(&files, &lint.config.gate, local_gate_facts(&event, lint))
    })
    .0;
    let report = &output.report;
    let text = match args.format {
        GateFormat::Json => report::json::render(report),
        GateFormat::Human => report::render(Format::Human, report, &output.files, &human_options()),
    };
    write_stdout(&text)?;
    Ok(exit_code(report, fail_on_setting(args.common.fail_on)?))
}

/// An input file of `sqlgate gate`, read and decoded. Errors name the flag and the file.
pub(super) fn read_input<T>(
    path: &Path,
    flag: &str,
    decode: impl Fn(&str) -> Result<T, String>,
) -> Result<T, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure(format!("{flag} {}: cannot read it: {e}", path.display())))?;
    decode(&text).map_err(|e| Failure(format!("{flag} {}: {e}", path.display())))
}

/// `{"alice": "write", "bob": "read"}`; a value may also be the API's answer
/// `{"permission": "write", ...}`.
pub(super) fn parse_permissions(
    text: &str,
) -> Result<std::collections::HashMap<String, String>, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let object = value
        .as_object()
        .ok_or("expected an object mapping each login to admin, maintain, write, triage or read")?;
    object
        .iter()
        .map(|(login, v)| {
            let permission = v
                .as_str()
                .or_else(|| v.get("permission").and_then(serde_json::Value::as_str))
                .ok_or_else(|| format!("`{login}`: expected a permission such as \"write\""))?;
            Ok((login.clone(), permission.to_string()))
        })
        .collect()
}
