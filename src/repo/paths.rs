//! What a path says about its file: vendored, a test. Each file is classified once, when the
//! repository view is built ([`super::File::is_vendored`], [`super::File::is_test`]). Checks
//! used to call these for every file, one check after another: on outline (2,700 files) the
//! calls came to 7 % of the audit's instructions.

/// The `/`-separated parts of a repository path, as bytes. Path predicates run for every file
/// in several checks; splitting bytes costs a fraction of `str::split('/')`, which starts a
/// `memchr` search for every part of a short path.
pub fn segments(path: &str) -> impl Iterator<Item = &[u8]> {
    path.as_bytes().split(|&b| b == b'/')
}

/// Third-party or generated trees that do not describe the service itself.
pub fn is_vendored(rel: &str) -> bool {
    segments(rel).any(|part| {
        matches!(
            part,
            b"node_modules"
                | b"vendor"
                | b"third_party"
                | b".venv"
                | b"venv"
                | b"site-packages"
                | b"dist"
                | b"build"
                | b"target"
        )
    })
}

/// Whether a service-relative path lives in an examples folder (`examples/`, `_example/`):
/// code that shows how to use the project, whose manifests declare what the example needs
/// (a MongoDB store beside a service on bbolt), not what the service runs on. Go's tooling
/// skips `_`-prefixed folders for the same reason.
pub fn is_example(rel: &str) -> bool {
    let (dirs, _) = rel.rsplit_once('/').unwrap_or(("", rel));
    !dirs.is_empty()
        && segments(dirs).any(|part| {
            matches!(
                part.strip_prefix(b"_").unwrap_or(part),
                b"example" | b"examples"
            )
        })
}

/// Whether a service-relative path is a test file or lives in a test directory.
pub fn is_test_path(rel: &str) -> bool {
    const TEST_DIRS: &[&[u8]] = &[
        b"test",
        b"tests",
        b"__tests__",
        b"__mocks__",
        b"spec",
        b"specs",
        b"e2e",
        b"testdata",
        b"testing",
        b"it",
        b"integration-tests",
        b"integration_tests",
        b"test-utils",
        b"testutil",
        b"testutils",
        b"testhelpers",
        b"fixtures",
    ];
    let (dirs, original) = rel.rsplit_once('/').unwrap_or(("", rel));
    if !dirs.is_empty()
        && segments(dirs).any(|d| TEST_DIRS.iter().any(|t| d.eq_ignore_ascii_case(t)))
    {
        return true;
    }
    let name = original.as_bytes();
    let stem = name.split(|&b| b == b'.').next().unwrap_or(name);
    let is = |a: &[u8], b: &[u8]| a.eq_ignore_ascii_case(b);
    let ends = |a: &[u8], b: &[u8]| a.len() >= b.len() && is(&a[a.len() - b.len()..], b);
    // `.test.`, `.spec.` or `.e2e-spec.` somewhere in the name: tried at each dot.
    let test_infix = name.iter().enumerate().any(|(i, &b)| {
        let rest = &name[i..];
        b == b'.'
            && [&b".test."[..], b".spec.", b".e2e-spec."]
                .iter()
                .any(|p| rest.len() >= p.len() && is(&rest[..p.len()], p))
    });
    is(name, b"conftest.py")
        || ((is(stem, b"tests") || is(stem, b"test")) && ends(name, b".py"))
        || (stem.len() >= 5 && is(&stem[..5], b"test_"))
        || ends(stem, b"_test")
        || ends(stem, b"_tests")
        || test_infix
        || ((ends(name, b".java") || ends(name, b".kt"))
            && (stem.ends_with(b"Test")
                || stem.ends_with(b"Tests")
                || stem.ends_with(b"IT")
                || stem.ends_with(b"Spec")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::{File, FileState};

    #[test]
    fn example_folders_are_recognised() {
        for p in [
            "backend/_example/memory_store/go.mod",
            "examples/basic/package.json",
            "example/main.py",
        ] {
            assert!(is_example(p), "{p}");
        }
        for p in [
            "example.py",
            "src/examples.rs",
            "counterexample/go.mod",
            "app/main.go",
        ] {
            assert!(!is_example(p), "{p}");
        }
    }

    #[test]
    fn test_paths_are_recognised_per_language() {
        for p in [
            "tests/test_api.py",
            "app/conftest.py",
            "blog/tests.py",
            "pkg/handler_test.go",
            "src/app.spec.ts",
            "src/__tests__/x.js",
            "src/test/java/com/x/AppTest.java",
            "src/main/kotlin/x/AppTests.kt",
            "Tests/Unit/Api.Test.cs",
            "web/login.E2E-SPEC.ts",
            "src/test_utils.rs",
        ] {
            assert!(is_test_path(p), "{p}");
        }
        for p in [
            "app/main.py",
            "src/testimony.py",
            "cmd/server/main.go",
            "src/contest.ts",
            "src/latest.py",
            "app/Tester.kt",
            "docs/testimonials.md",
        ] {
            assert!(!is_test_path(p), "{p}");
        }
    }

    #[test]
    fn vendored_trees_are_whole_path_parts() {
        for p in [
            "node_modules/x/index.js",
            "web/dist/app.js",
            ".venv/lib/x.py",
            "vendor/a.go",
        ] {
            assert!(is_vendored(p), "{p}");
        }
        for p in [
            "src/distance.py",
            "app/builder.ts",
            "targets.go",
            "Vendor/a.go",
        ] {
            assert!(!is_vendored(p), "{p}");
        }
    }

    #[test]
    fn a_file_is_classified_by_its_path_below_the_audited_folder() {
        let text = || FileState::Text(String::new());
        let f = File::new("build/api/app/main.py".into(), "build/api/", text());
        assert!(
            !f.is_vendored(),
            "the audited folder's own path does not count"
        );
        let f = File::new("tests/api/app/main.py".into(), "tests/api/", text());
        assert!(!f.is_test());
        let f = File::new("svc/tests/test_main.py".into(), "svc/", text());
        assert!(f.is_test());
        let f = File::new("dist/bundle.js".into(), "svc/", text());
        assert!(
            f.is_vendored(),
            "a file outside the folder is judged by its whole path"
        );
    }
}
