import type { Command } from 'commander';
import { registerSchema } from './schema.js';
import { registerValidate } from './validate.js';
import { registerApply } from './apply.js';
import { registerDemo } from './demo.js';
import { registerDoctor } from './doctor.js';
import { registerDrift } from './drift.js';
import { registerGithub } from '../github/command.js';
import { registerImport } from './import.js';
import { registerPlan } from './plan.js';
import { registerSandbox } from './sandbox.js';
import { registerWebhook } from './webhook.js';

/** Each command lives in its own module and registers itself on the program. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerValidate, registerSchema, registerPlan, registerApply, registerSandbox, registerDemo, registerWebhook, registerDrift, registerGithub, registerImport, registerDoctor];
