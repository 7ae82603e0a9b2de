/** Runs in every test file: temp projects from writeProject() are removed when the file ends. */
import { afterAll } from 'vitest';
import { removeWrittenProjects } from './project.js';

afterAll(removeWrittenProjects);
