// Every engine registers its experiments here; the CLI shows whatever they register.
import '@snrlab/core/register';
import '@snrlab/langevin-sde/register';
import '@snrlab/sgd-noise/register';
import '@snrlab/morphogen-patterning/register';
import '@snrlab/quantum-vqe-shots/register';
import '@snrlab/gan-dynamics/register';
