// The allocator, and why: src/allocator.rs.
#[global_allocator]
static ALLOCATOR: sqlgate::allocator::Allocator = sqlgate::allocator::Allocator;

fn main() -> std::process::ExitCode {
    sqlgate::allocator::configure();
    sqlgate::cli::main()
}
