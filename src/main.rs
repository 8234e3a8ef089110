// The allocator, and why: src/allocator.rs.
#[global_allocator]
static ALLOCATOR: sqlgate::allocator::Allocator = sqlgate::allocator::Allocator;

fn main() -> std::process::ExitCode {
    sqlgate::allocator::configure();
    let code = sqlgate::cli::main();
    sqlgate::allocator::end(code)
}
