//! `manyworlds convert SOURCE -o OUT.json`: a built-in scene or a model file written as a
//! manyworlds scene file.

use manyworlds::import::scene_file;
use manyworlds::scenes::builtin;

use crate::error::CliError;
use crate::model_file::{is_model_file, load_model};
use crate::ConvertArgs;

pub fn convert(args: &ConvertArgs) -> Result<(), CliError> {
    if args.output.extension().is_none_or(|e| e != "json") {
        return Err(CliError::OutputName(args.output.clone()));
    }
    let (scene, params) = if let Some(b) = builtin(&args.source) {
        if b.world_pose.is_some() {
            eprintln!(
                "warning: {} starts each world at poses of its own; the file holds the template's \
                 (per-world randomization is not in the format yet)",
                b.name
            );
        }
        (b.scene, b.params)
    } else if is_model_file(&args.source) {
        let options = args.model.import_options();
        let imported = load_model(args.source.as_ref(), options)?;
        for (warning, _) in imported.warnings.iter() {
            eprintln!("warning: {warning}");
        }
        (imported.scene, imported.params)
    } else {
        return Err(CliError::UnknownScene(args.source.clone()));
    };
    scene_file::save(&args.output, &scene, &params)?;
    println!(
        "wrote {}: {} bodies, {} joints, {} actuators",
        args.output.display(),
        scene.body_count(),
        scene.joints().len(),
        scene.actuators().len()
    );
    Ok(())
}
