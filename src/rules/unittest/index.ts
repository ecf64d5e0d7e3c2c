export { type UnitTestIO, runRuleUnitTests } from './unittest.js';
