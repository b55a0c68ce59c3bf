// Runs in every infra test file (jest setupFilesAfterEnv): temp dirs go when the file ends.
import { removeTempDirs } from "./process";

afterAll(() => removeTempDirs());
