// Test files share one worker process, and kafkajs is a CommonJS module cached for the life of that
// process: the library's kafkajs adapter must load kafkajs (after installing its corrected read_committed
// filter) before any test file or test helper loads kafkajs itself, as an application imports the library
// before kafkajs.
import '../topology/internal/kafka/kafkajs/kafkajs-module.js';
