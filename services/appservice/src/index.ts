import "./crypto-optional";
