//! Packs the binary's relative relocations (`-z pack-relative-relocs`, DT_RELR) where the
//! system it is built on runs such binaries.
//!
//! A position-independent binary is relocated at every start: 17,500 relative relocations
//! here, from every static table of pointers (rule metadata, keyword tables, vtables). As
//! RELA entries they are 425 KB that the dynamic loader reads; packed, 5 KB. On a small
//! repository (6 files) that took 10% of the CPU time and 15 of 300 page faults off a run,
//! and a pre-commit hook pays that start on every commit.
//!
//! Only where it is safe: a native build (the binary runs where it is linked) for x86-64
//! Linux with glibc 2.36 or later, the first to load DT_RELR (the linker then marks the
//! binary as needing it, so an older glibc refuses it with a message instead of crashing).
//! Release binaries are static musl and the wheels are built on glibc 2.17: both keep RELA.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SQLGATE_NO_PACKED_RELOCS");
    let target = std::env::var("TARGET").unwrap_or_default();
    let host = std::env::var("HOST").unwrap_or_default();
    if target != "x86_64-unknown-linux-gnu"
        || target != host
        || std::env::var_os("SQLGATE_NO_PACKED_RELOCS").is_some()
    {
        return;
    }
    if glibc_version().is_some_and(|version| version >= (2, 36)) {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// The version of the glibc this build script runs on, which a native build links against.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn glibc_version() -> Option<(u32, u32)> {
    extern "C" {
        fn gnu_get_libc_version() -> *const std::ffi::c_char;
    }
    // SAFETY: glibc returns a pointer to a static NUL-terminated string ("2.36").
    let text = unsafe { std::ffi::CStr::from_ptr(gnu_get_libc_version()) };
    let mut parts = text.to_str().ok()?.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts
        .next()?
        .trim_end_matches(|c: char| !c.is_ascii_digit());
    Some((major, minor.parse().ok()?))
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn glibc_version() -> Option<(u32, u32)> {
    None
}
