// The allocator, and why: src/allocator.rs.
#[global_allocator]
static ALLOCATOR: sqlgate::allocator::Allocator = sqlgate::allocator::Allocator;

// On Linux the allocator is configured before the Rust runtime's first allocation, which
// reserves mimalloc's first arena: a function in `.init_array` runs before `main`, as the C
// library runs constructors. Elsewhere `main` configures it (later arenas follow).
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static CONFIGURE_ALLOCATOR: extern "C" fn() = configure_allocator;

#[cfg(target_os = "linux")]
extern "C" fn configure_allocator() {
    sqlgate::allocator::configure();
}

fn main() -> std::process::ExitCode {
    #[cfg(not(target_os = "linux"))]
    sqlgate::allocator::configure();
    let code = sqlgate::cli::main();
    sqlgate::allocator::end(code)
}
