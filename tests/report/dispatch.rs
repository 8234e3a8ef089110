//! `report::render` dispatches to the renderer of each format.

use sqlgate::report::{self, Format};

use crate::support::{github, sample, sources, NO_COLOR};

// ---------------------------------------------------------------- dispatch

#[test]
fn render_dispatches_on_format() {
    let r = sample();
    let s = sources();
    assert_eq!(
        report::render(Format::Json, &r, &s, &NO_COLOR),
        report::json::render(&r)
    );
    assert_eq!(
        report::render(Format::Markdown, &r, &s, &NO_COLOR),
        report::markdown::render(&r)
    );
    assert_eq!(
        report::render(Format::Github, &r, &s, &NO_COLOR),
        github(&r)
    );
    assert_eq!(
        report::render(Format::Sarif, &r, &s, &NO_COLOR),
        report::sarif::render(&r)
    );
    assert_eq!(
        report::render(Format::Human, &r, &s, &NO_COLOR),
        report::human::render(&r, &s, &NO_COLOR)
    );
}
