export { type ForwardTargetConfig, Forwarder, type ForwarderOptions, alertToApi, alertmanagerUrls } from './forwarder.js';
