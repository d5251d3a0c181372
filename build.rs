//! The templates are compiled into the binary (`include_dir!`), which cargo cannot see through:
//! tell it to rebuild whenever a file under `template/` or `checklists/` changes.
fn main() {
    println!("cargo::rerun-if-changed=template");
    println!("cargo::rerun-if-changed=checklists");
}
