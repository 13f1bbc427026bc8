// Every engine registers its experiments here; the CLI shows whatever they register.
import '@snrlab/core/register';
import '@snrlab/langevin-sde/register';
import '@snrlab/sgd-noise/register';
import '@snrlab/morphogen-patterning/register';
import '@snrlab/quantum-vqe-shots/register';
import '@snrlab/gan-dynamics/register';

const REGISTRATIONS = [
  '@snrlab/core/register',
  '@snrlab/langevin-sde/register',
  '@snrlab/sgd-noise/register',
  '@snrlab/morphogen-patterning/register',
  '@snrlab/quantum-vqe-shots/register',
  '@snrlab/gan-dynamics/register',
];

/** Absolute URLs of the registering modules, for worker threads that must register the same experiments. */
export function engineModuleURLs(): string[] {
  return REGISTRATIONS.map((m) => import.meta.resolve(m));
}
