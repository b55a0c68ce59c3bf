/**
 * kubernetes-validate (PyPI): validates manifests against the Kubernetes OpenAPI schemas of a
 * chosen release, strictly (unknown fields refused). Installed once into a virtualenv under
 * `${XDG_CACHE_HOME:-~/.cache}/atrium/`, like the tests' Synapse.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { runProgram } from "./process";

export const KUBERNETES_VALIDATE_VERSION = "1.37.0";

/** The validator's executable, installed on first use (needs python3 with venv and PyPI). */
export async function kubernetesValidate(): Promise<string> {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  const venv = join(cache, "atrium", `kubernetes-validate-${KUBERNETES_VALIDATE_VERSION}`);
  const bin = join(venv, "bin", "kubernetes-validate");
  if (existsSync(bin)) return bin;
  const python = process.env.ATRIUM_PYTHON || "python3";
  const made = await runProgram(python, ["-m", "venv", venv]);
  if (made.code !== 0) throw new Error(`python3 -m venv ${venv} failed: ${made.stderr}`);
  const pip = await runProgram(join(venv, "bin", "pip"), [
    "install",
    "--quiet",
    `kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}`,
  ]);
  if (pip.code !== 0) throw new Error(`pip install kubernetes-validate failed: ${pip.stderr}`);
  return bin;
}
