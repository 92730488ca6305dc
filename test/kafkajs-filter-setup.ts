// Test files share one worker process, and kafkajs is a CommonJS module cached for the life of that
// process: the runtime's aborted-record filter must be installed before any test file loads kafkajs.
import '../topology/internal/kafka/kafkajs-aborted-filter.js';
