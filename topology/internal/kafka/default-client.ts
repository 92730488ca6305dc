/**
 * The client the runtime uses when the application gives it only brokers and security settings: the
 * kafkajs adapter. The one import of an adapter outside its folder, so that choosing another client is a
 * change here.
 */
export { createKafkaClient } from './kafkajs/client.js';
