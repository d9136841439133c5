// SPDX-License-Identifier: GPL-3.0-or-later
// Accounts (phone number + stable LID + the simulated primary phone) and their companion devices.
import crypto from 'node:crypto'
import { keyPairFromSeed, generateKeyPair, sign, signalPublicKey } from './keys.js'

const MAX_PREKEYS_PER_DEVICE = 2000
const MAX_OFFLINE_STANZAS = 5000
const MAX_DEVICES_PER_ACCOUNT = 64
const MAX_ACCOUNTS = 10000

/** A stable 15-digit LID user for a phone number (same phone -> same LID in every run). */
export function lidForPhone (phone) {
  const h = crypto.createHash('sha256').update(`wa-sim-lid:${phone}`).digest()
  const n = h.readBigUInt64BE(0) % 900000000000000n
  return (100000000000000n + n).toString()
}

export function isValidPhone (phone) {
  return typeof phone === 'string' && /^[1-9][0-9]{5,15}$/.test(phone)
}

export class Device {
  constructor ({ account, id, keyIndex }) {
    this.account = account
    this.id = id
    this.keyIndex = keyIndex
    this.noisePub = null
    this.identityPub = null
    this.registrationId = 0
    this.signedPreKey = null // {id, pub, signature}
    this.preKeys = new Map() // id -> pub (32 bytes); removed when handed out
    this.preKeysHandedOut = 0
    this.preKeyLowSent = false // a prekey-low notification is outstanding
    this.platform = ''
    this.pushName = ''
    this.connection = null // the live, logged-in connection, if any
    this.offlineQueue = []
    this.droppedOffline = 0
    this.loggedInCount = 0
    this.pairedAt = Math.floor(Date.now() / 1000)
  }

  get pnJid () { return `${this.account.phone}:${this.id}@s.whatsapp.net` }
  get lidJid () { return `${this.account.lid}:${this.id}@lid` }
  /** The jid of this device in the given addressing mode ('pn' | 'lid'). */
  jid (mode) { return mode === 'lid' ? this.lidJid : this.pnJid }
  get online () { return !!this.connection }

  addPreKeys (list) {
    for (const { id, pub } of list) {
      if (this.preKeys.size >= MAX_PREKEYS_PER_DEVICE) break
      this.preKeys.set(id, pub)
    }
  }

  /** Removes and returns one one-time prekey ({id, pub}) or null: each is handed out once. */
  takePreKey () {
    const first = this.preKeys.entries().next()
    if (first.done) return null
    const [id, pub] = first.value
    this.preKeys.delete(id)
    this.preKeysHandedOut++
    return { id, pub }
  }

  /** Queues a stanza for delivery at the next login; bounded (oldest dropped, counted). */
  enqueue (node) {
    this.offlineQueue.push(node)
    if (this.offlineQueue.length > MAX_OFFLINE_STANZAS) {
      this.offlineQueue.shift()
      this.droppedOffline++
    }
  }

  summary () {
    return {
      jid: this.pnJid,
      lid: this.lidJid,
      device: this.id,
      keyIndex: this.keyIndex,
      platform: this.platform,
      pushName: this.pushName,
      online: this.online,
      loggedIn: this.online,
      loginCount: this.loggedInCount,
      preKeys: this.preKeys.size,
      preKeysHandedOut: this.preKeysHandedOut,
      offlineQueued: this.offlineQueue.length
    }
  }
}

/** The simulated primary phone (device 0): real Signal keys so peers can encrypt to it. */
class PrimaryPhone {
  constructor (account) {
    // Companions trust the account key as device 0's identity (createSignalIdentity(lid, accountKey)).
    this.identity = account.accountKey
    this.registrationId = 1 + (crypto.randomBytes(2).readUInt16BE(0) & 0x3fff)
    const spk = generateKeyPair()
    this.signedPreKey = { id: 1, keyPair: spk, signature: sign(this.identity.private, signalPublicKey(spk.public)) }
    this.nextPreKeyId = 1
  }

  /** A fresh one-time prekey each call, so none is ever handed out twice. */
  takePreKey () {
    const kp = generateKeyPair()
    return { id: this.nextPreKeyId++, pub: kp.public }
  }
}

export class Account {
  constructor ({ phone, rootSeed }) {
    this.phone = phone
    this.lid = lidForPhone(phone)
    this.pushName = `Sim ${phone.slice(-4)}`
    // The account (ADV) signing key, deterministic per phone and root seed.
    this.accountKey = keyPairFromSeed(`wa-sim-account:${rootSeed}:${phone}`)
    this.devices = new Map() // id -> Device (companions only; id >= 1)
    this.nextDeviceId = 1
    this.nextKeyIndex = 1
    this.phoneDevice = new PrimaryPhone(this)
    // Phones of accounts that fetched this account's device list: they get its devices notifications
    // (everyone getting every change would be O(accounts^2) per pairing).
    this.deviceWatchers = new Set()
    this.createdAt = Math.floor(Date.now() / 1000)
  }

  get pnJid () { return `${this.phone}@s.whatsapp.net` }
  get lidJid () { return `${this.lid}@lid` }
  jid (mode) { return mode === 'lid' ? this.lidJid : this.pnJid }

  allocateDevice () {
    if (this.devices.size >= MAX_DEVICES_PER_ACCOUNT) return null
    const device = new Device({ account: this, id: this.nextDeviceId++, keyIndex: this.nextKeyIndex++ })
    this.devices.set(device.id, device)
    return device
  }

  summary () {
    return {
      phone: this.phone,
      jid: this.pnJid,
      lid: this.lidJid,
      pushName: this.pushName,
      accountKey: this.accountKey.public.toString('base64'),
      devices: [...this.devices.values()].map(d => d.summary())
    }
  }
}

export class AccountStore {
  constructor ({ rootSeed }) {
    this.rootSeed = rootSeed
    this.byPhone = new Map()
    this.byLid = new Map()
  }

  /** The account for a phone, created on first use; null when the store is full. */
  getOrCreate (phone) {
    let acc = this.byPhone.get(phone)
    if (!acc) {
      if (this.byPhone.size >= MAX_ACCOUNTS) return null
      acc = new Account({ phone, rootSeed: this.rootSeed })
      this.byPhone.set(phone, acc)
      this.byLid.set(acc.lid, acc)
    }
    return acc
  }

  /** The account behind a user part of a PN or LID jid, or undefined. */
  find (user, server) {
    if (server === 'lid') return this.byLid.get(user)
    return this.byPhone.get(user)
  }

  all () { return [...this.byPhone.values()] }
}
