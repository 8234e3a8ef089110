fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let out = sqlgate::engine::check_text(
        &path,
        &text,
        sqlgate::lexer::Dialect::Postgres,
        sqlgate::rules::REGISTRY,
    );
    for f in &out.report.findings {
        println!(
            "{}:{}:{}-{}:{} {} {} | {}",
            f.file,
            f.start.line,
            f.start.column,
            f.end.line,
            f.end.column,
            f.code,
            f.message,
            f.help
        );
    }
    println!("{:?}", out.stats);
}
