import { main } from './cli/main';

main();
