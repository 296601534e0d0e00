#!/usr/bin/env node
import '../dist/phiguard.js';
